import { Injectable } from '@nestjs/common';
import { LIMITS } from 'src/config/limits';
import { AttemptLimiter, type Reservation } from 'src/rate-limit/attempt-limiter.service';

const LIMIT = LIMITS.secondFactorFailures;

/**
 * B2, B6: one failure counter per user across every factor and challenge. Each code takes an
 * attempt before it is checked; ten failures, each within 15 minutes of the last, lock the
 * second factor until 15 minutes after the last one. A success gives back only its own attempt.
 */
@Injectable()
export class SecondFactorLockout {
  constructor(private readonly limiter: AttemptLimiter) {}

  /** While locked, the attempt is refused unchecked and still counts (B3). */
  reserve(userId: string): Promise<Reservation> {
    return this.limiter.reserve('second_factor', userId, LIMIT, 'counts');
  }

  /** Decides the reserved attempt: only a code checked and refused counts (I5). */
  settle(userId: string, failed: boolean): Promise<void> {
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
