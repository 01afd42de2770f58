import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { LessThan, Repository, type EntityManager } from 'typeorm';
import { sqlAffected } from 'src/database/sql';
import type { VerifyOutcome } from 'src/two-factor/second-factor';
import { ambientRepository } from 'src/database/transactions';
import { WebAuthnChallenge, type WebAuthnPurpose } from './webauthn-challenge.entity';

/** W2: 256 bits, well above the 16 bytes WebAuthn asks for. */
const CHALLENGE_BYTES = 32;

/** Who a challenge is for: a user's registration, a sign-in's second factor, or nobody yet. */
export type ChallengeBinding =
  | { purpose: 'registration'; userId: string }
  | { purpose: 'authentication'; userId: string; signInId: string }
  | { purpose: 'passwordless' };

export type ChallengeCheck =
  { challenge: WebAuthnChallenge } | { outcome: Extract<VerifyOutcome, 'invalid' | 'expired'> };

/** W2: WebAuthn challenges, random, bound to their use, expiring, and accepted once. */
@Injectable()
export class WebAuthnChallenges {
  constructor(
    @InjectRepository(WebAuthnChallenge)
    private readonly challenges: Repository<WebAuthnChallenge>,
  ) {}

  /** A new challenge for `binding` until `expiresAt`; expired ones are cleared on the way. */
  async issue(binding: ChallengeBinding, now: Date, expiresAt: Date): Promise<string> {
    await this.challenges.delete({ expiresAt: LessThan(now) });
    const challenge = randomBytes(CHALLENGE_BYTES).toString('base64url');
    await this.challenges.insert(
      this.challenges.create({ ...columnsOf(binding), challenge, expiresAt, usedAt: null }),
    );
    return challenge;
  }

  /**
   * The stored challenge a response was signed over, if it was issued for exactly this binding
   * and has not expired; otherwise why not. Spends nothing, and says nothing of a use: `consume`
   * decides that once the response is verified, so only a genuine response is called a replay.
   */
  async check(
    value: string | undefined,
    binding: ChallengeBinding,
    now: Date,
  ): Promise<ChallengeCheck> {
    const challenge = value
      ? await ambientRepository(this.challenges).findOneBy({ challenge: value })
      : null;
    const expected = columnsOf(binding);
    if (
      !challenge ||
      challenge.purpose !== expected.purpose ||
      challenge.userId !== expected.userId ||
      challenge.signInId !== expected.signInId
    ) {
      return { outcome: 'invalid' };
    }
    if (challenge.expiresAt <= now) return { outcome: 'expired' };
    return { challenge };
  }

  /**
   * Spends the challenge. One conditional UPDATE decides, so of parallel requests with one
   * challenge exactly one gets true (W2); `check` saw it unexpired at `now`, so false means used.
   */
  async consume(manager: EntityManager, challenge: WebAuthnChallenge, now: Date): Promise<boolean> {
    const used = await sqlAffected(
      manager,
      'UPDATE webauthn_challenges SET usedAt = ? WHERE id = ? AND usedAt IS NULL AND expiresAt > ?',
      [now, challenge.id, now],
    );
    return used === 1;
  }

  async removeAll(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(WebAuthnChallenge, { userId });
  }
}

function columnsOf(binding: ChallengeBinding): {
  purpose: WebAuthnPurpose;
  userId: string | null;
  signInId: string | null;
} {
  return {
    purpose: binding.purpose,
    userId: 'userId' in binding ? binding.userId : null,
    signInId: 'signInId' in binding ? binding.signInId : null,
  };
}
