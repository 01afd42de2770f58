import { Injectable } from '@nestjs/common';
import { LIMITS } from 'src/config/limits';
import { AttemptLimiter } from 'src/rate-limit/attempt-limiter.service';
import type { VerifyOutcome } from './second-factor';

const LIMIT = LIMITS.secondFactorFailures;

/**
 * B2, B6: one failure counter per user across every factor and challenge. Each code takes an
 * attempt before it is checked; ten failures, each within 15 minutes of the last, lock the
 * second factor until 15 minutes after the last one. A success gives back only its own attempt.
 */
@Injectable()
export class SecondFactorLockout {
  constructor(private readonly limiter: AttemptLimiter) {}

  /**
   * One checked answer: the attempt is reserved before `check` runs and settled by its outcome;
   * only a refused answer counts (I5), an error does not. While locked `check` is not run and
   * the attempt still counts (B3): the answer is then `locked`.
   */
  async attempt(
    userId: string,
    check: () => Promise<VerifyOutcome>,
  ): Promise<VerifyOutcome | 'locked'> {
    if (!(await this.limiter.reserve('second_factor', userId, LIMIT, 'counts')).granted) {
      return 'locked';
    }
    let outcome: VerifyOutcome;
    try {
      outcome = await check();
    } catch (error) {
      await this.settle(userId, false);
      throw error;
    }
    await this.settle(userId, outcome !== 'accepted');
    return outcome;
  }

  private settle(userId: string, failed: boolean): Promise<void> {
    return this.limiter.settle('second_factor', userId, LIMIT, failed);
  }

  isLocked(userId: string): Promise<boolean> {
    return this.limiter.isExhausted('second_factor', userId, LIMIT);
  }

  /** Seconds until the lock lifts; 0 when the second factor is not locked. */
  secondsLeft(userId: string): Promise<number> {
    return this.limiter.retryAfterSeconds('second_factor', userId, LIMIT);
  }

  clear(userId: string): Promise<void> {
    return this.limiter.clear('second_factor', userId);
  }
}
