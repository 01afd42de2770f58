import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from 'src/common/clock';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { LIMITS } from 'src/config/limits';
import { isUniqueViolation } from 'src/database/unique-violation';
import type { VerifyOutcome } from 'src/two-factor/second-factor';
import { ambientRepository } from 'src/database/transactions';
import { OneTimeCode, type CodePurpose } from './one-time-code.entity';

const { lifetimeMs, maxFailures, resendCooldownMs } = LIMITS.emailCode;

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
   * mail only. A code sent less than 60 s ago for the same challenge is kept: with
   * `cooldown: 'enforced'` (resend) that refuses, with `'skipped'` (switching back and forth to
   * email at one sign-in) nothing is sent and the answer is null. With `'ignored'` the new code
   * always replaces the old one.
   */
  async issue(
    userId: string,
    purpose: CodePurpose,
    challengeId: string | null,
    cooldown: 'enforced' | 'ignored',
  ): Promise<string>;
  async issue(
    userId: string,
    purpose: CodePurpose,
    challengeId: string | null,
    cooldown: 'enforced' | 'skipped' | 'ignored',
  ): Promise<string | null>;
  async issue(
    userId: string,
    purpose: CodePurpose,
    challengeId: string | null,
    cooldown: 'enforced' | 'skipped' | 'ignored',
  ): Promise<string | null> {
    const now = this.clock.now();
    const code = this.crypto.randomDigits(6);
    const fields = {
      challengeId,
      codeHash: this.crypto.hash(code),
      expiresAt: new Date(now.getTime() + lifetimeMs),
      sentAt: now,
      consumedAt: null,
      failedAttempts: 0,
    };
    let existing = await this.codes.findOne({ where: { userId, purpose } });
    if (!existing) {
      try {
        await this.codes.insert(this.codes.create({ userId, purpose, ...fields }));
        return code;
      } catch (error) {
        // Another sign-in issued the user's first code meanwhile: replace it as below.
        if (!isUniqueViolation(error)) throw error;
        existing = await this.codes.findOneOrFail({ where: { userId, purpose } });
      }
    }
    if (cooldown === 'ignored') {
      // A new sign-in's code: the newest replaces whatever another sign-in sent meanwhile.
      await this.codes.update({ id: existing.id }, fields);
      return code;
    }
    if (cooldown === 'enforced' && existing.challengeId === challengeId) {
      const wait = existing.sentAt.getTime() + resendCooldownMs - now.getTime();
      if (wait > 0) throw resendTooSoon(wait);
    }
    // The cooldown is decided by the UPDATE itself, so of parallel sends one code goes out.
    const sameChallenge =
      challengeId === null ? 'challengeId IS NULL' : 'challengeId = :challengeId';
    const replaced = await this.codes
      .createQueryBuilder()
      .update(OneTimeCode)
      .set(fields)
      .where('id = :id', { id: existing.id })
      .andWhere(`NOT (${sameChallenge} AND sentAt > :cooledAt)`, {
        challengeId,
        cooledAt: new Date(now.getTime() - resendCooldownMs),
      })
      .execute();
    if (replaced.affected === 1) return code;
    if (cooldown === 'skipped') return null;
    throw resendTooSoon(resendCooldownMs);
  }

  /**
   * Each guess first takes one of the code's five attempts with a conditional UPDATE, so
   * parallel guesses never check more than five; the right code is then claimed by another
   * conditional UPDATE, so of many parallel submissions exactly one is accepted (E3).
   */
  async consume(
    userId: string,
    purpose: CodePurpose,
    challengeId: string | null,
    code: string,
  ): Promise<VerifyOutcome> {
    const codes = ambientRepository(this.codes);
    const row = await codes.findOne({ where: { userId, purpose } });
    if (!row || row.challengeId !== challengeId || row.consumedAt) return 'invalid';
    const reserved = await codes
      .createQueryBuilder()
      .update(OneTimeCode)
      .set({ failedAttempts: () => 'failedAttempts + 1' })
      .where('id = :id AND codeHash = :codeHash AND consumedAt IS NULL', {
        id: row.id,
        codeHash: row.codeHash,
      })
      .andWhere('failedAttempts < :maxFailures', { maxFailures })
      .execute();
    if (reserved.affected !== 1) return 'invalid';
    if (!this.crypto.safeEqual(row.codeHash, this.crypto.hash(code))) return 'invalid';
    const now = this.clock.now();
    if (row.expiresAt <= now) return 'expired';
    const claimed = await codes
      .createQueryBuilder()
      .update(OneTimeCode)
      .set({ consumedAt: now, failedAttempts: () => 'failedAttempts - 1' })
      .where('id = :id AND codeHash = :codeHash AND consumedAt IS NULL', {
        id: row.id,
        codeHash: row.codeHash,
      })
      .execute();
    return claimed.affected === 1 ? 'accepted' : 'replayed';
  }

  async discard(userId: string, purpose: CodePurpose): Promise<void> {
    await this.codes.delete({ userId, purpose });
  }
}

export function invalidCode(): AppException {
  return new AppException(ErrorCode.INVALID_CODE, 'The code is not valid');
}

export function codeAlreadyUsed(): AppException {
  return new AppException(
    ErrorCode.CODE_ALREADY_USED,
    'The code has been used already; wait for the next one',
  );
}

export function codeExpired(): AppException {
  return new AppException(ErrorCode.CODE_EXPIRED, 'The code has expired; ask for a new one');
}

function resendTooSoon(waitMs: number): AppException {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppException(
    ErrorCode.RESEND_TOO_SOON,
    `Wait ${retryAfter} s before asking for another code`,
    { retryAfter },
  );
}
