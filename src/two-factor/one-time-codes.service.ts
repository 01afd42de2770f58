import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Clock } from 'src/common/clock';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { OneTimeCode, type CodePurpose } from './one-time-code.entity';

const CODE_TTL_MS = 10 * 60 * 1000;
const RESEND_COOLDOWN_MS = 60 * 1000;
const MAX_ATTEMPTS_PER_CODE = 5;

/** Email codes: drawn with crypto.randomInt, stored as an HMAC, consumed once (E1–E5). */
@Injectable()
export class OneTimeCodesService {
  constructor(
    @InjectRepository(OneTimeCode) private readonly codes: Repository<OneTimeCode>,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
  ) {}

  /**
   * Replaces the user's code for this purpose with a new one and returns it in clear, for the
   * mail only. With `cooldown`, a code sent less than 60 s ago for the same challenge refuses.
   */
  async issue(
    userId: string,
    purpose: CodePurpose,
    challengeId: string | null,
    cooldown: boolean,
  ): Promise<string> {
    const now = this.clock.now();
    const code = this.crypto.randomDigits(6);
    const fields = {
      challengeId,
      codeHash: this.crypto.hash(code),
      expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      sentAt: now,
      consumedAt: null,
      failedAttempts: 0,
    };
    const existing = await this.codes.findOne({ where: { userId, purpose } });
    if (!existing) {
      await this.codes.insert(this.codes.create({ userId, purpose, ...fields }));
      return code;
    }
    if (cooldown && existing.challengeId === challengeId) {
      const wait = existing.sentAt.getTime() + RESEND_COOLDOWN_MS - now.getTime();
      if (wait > 0) throw resendTooSoon(wait);
    }
    // Conditional on the row being unchanged, so two racing resends send one code.
    const replaced = await this.codes.update({ id: existing.id, sentAt: existing.sentAt }, fields);
    if (replaced.affected !== 1) throw resendTooSoon(RESEND_COOLDOWN_MS);
    return code;
  }

  /** Whether a code for this challenge went out less than 60 s ago (switching back and forth sends one). */
  async sentRecently(
    userId: string,
    purpose: CodePurpose,
    challengeId: string | null,
  ): Promise<boolean> {
    const existing = await this.codes.findOne({ where: { userId, purpose } });
    return (
      !!existing &&
      existing.challengeId === challengeId &&
      existing.sentAt.getTime() + RESEND_COOLDOWN_MS > this.clock.now().getTime()
    );
  }

  /**
   * Accepts the code once: the final say is a conditional UPDATE, so of many parallel
   * submissions exactly one succeeds (E3). Throws INVALID_CODE or CODE_EXPIRED.
   */
  async consume(
    userId: string,
    purpose: CodePurpose,
    challengeId: string | null,
    code: string,
  ): Promise<void> {
    const row = await this.codes.findOne({ where: { userId, purpose } });
    if (
      !row ||
      row.challengeId !== challengeId ||
      row.consumedAt ||
      row.failedAttempts >= MAX_ATTEMPTS_PER_CODE
    ) {
      throw invalidCode();
    }
    if (!this.crypto.safeEqual(row.codeHash, this.crypto.hash(code))) {
      await this.codes.increment({ id: row.id }, 'failedAttempts', 1);
      throw invalidCode();
    }
    const now = this.clock.now();
    if (row.expiresAt <= now)
      throw new AppException(ErrorCode.CODE_EXPIRED, 'The code has expired; ask for a new one');
    const claimed = await this.codes.update(
      { id: row.id, codeHash: row.codeHash, consumedAt: IsNull() },
      { consumedAt: now },
    );
    if (claimed.affected !== 1) throw invalidCode();
  }

  async discard(userId: string, purpose: CodePurpose): Promise<void> {
    await this.codes.delete({ userId, purpose });
  }
}

export function invalidCode(): AppException {
  return new AppException(ErrorCode.INVALID_CODE, 'The code is not valid');
}

function resendTooSoon(waitMs: number): AppException {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppException(
    ErrorCode.RESEND_TOO_SOON,
    `Wait ${retryAfter} s before asking for another code`,
    {
      retryAfter,
    },
  );
}
