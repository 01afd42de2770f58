import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from 'src/common/clock';
import type { CounterLimit } from 'src/config/limits';
import { sqlAffected } from 'src/database/sql';
import { AttemptCounter, type CounterScope } from './attempt-counter.entity';

export type Reservation = { granted: true } | { granted: false; retryAfterSeconds: number };

/**
 * Counts attempts per subject with a chained window: an attempt within `windowMs` of the last
 * one adds to the count, a later one starts again at 1. An attempt is reserved before it is
 * evaluated, by one conditional UPDATE, so parallel requests never get more than `max`
 * evaluated (B6); the caller gives back the reservation of an attempt that succeeded.
 */
@Injectable()
export class AttemptLimiter {
  constructor(
    @InjectRepository(AttemptCounter) private readonly counters: Repository<AttemptCounter>,
    private readonly clock: Clock,
  ) {}

  async reserve(scope: CounterScope, subjectId: string, limit: CounterLimit): Promise<Reservation> {
    if (await this.increment(scope, subjectId, limit, limit.max)) return { granted: true };
    return {
      granted: false,
      retryAfterSeconds: await this.retryAfterSeconds(scope, subjectId, limit),
    };
  }

  /**
   * An attempt refused unevaluated still counts and extends the wait (B3: fifty wrong codes
   * count fifty, however many were refused).
   */
  async countRefused(scope: CounterScope, subjectId: string, limit: CounterLimit): Promise<void> {
    await this.increment(scope, subjectId, limit, Number.MAX_SAFE_INTEGER);
  }

  /** Gives back a reservation whose attempt succeeded; the failures around it stay counted. */
  async release(scope: CounterScope, subjectId: string): Promise<void> {
    await sqlAffected(
      this.counters.manager,
      'UPDATE attempt_counters SET attempts = attempts - 1 WHERE scope = ? AND subjectId = ? AND attempts > 0',
      [scope, subjectId],
    );
  }

  /** Whether the subject has used up its attempts, e.g. right after a failure. */
  async isExhausted(scope: CounterScope, subjectId: string, limit: CounterLimit): Promise<boolean> {
    return (await this.retryAfterSeconds(scope, subjectId, limit)) > 0;
  }

  async clear(scope: CounterScope, subjectId: string): Promise<void> {
    await this.counters.delete({ scope, subjectId });
  }

  /** One conditional UPDATE: counts the attempt only while fewer than `below` are counted. */
  private async increment(
    scope: CounterScope,
    subjectId: string,
    limit: CounterLimit,
    below: number,
  ): Promise<boolean> {
    const now = this.clock.now();
    const windowStart = new Date(now.getTime() - limit.windowMs);
    // `attempts` is assigned first, so its CASE still sees the previous lastAttemptAt.
    const update = () =>
      sqlAffected(
        this.counters.manager,
        `UPDATE attempt_counters
          SET attempts = CASE WHEN lastAttemptAt IS NULL OR lastAttemptAt <= ? THEN 1 ELSE attempts + 1 END,
            lastAttemptAt = ?
          WHERE scope = ? AND subjectId = ?
            AND (lastAttemptAt IS NULL OR lastAttemptAt <= ? OR attempts < ?)`,
        [windowStart, now, scope, subjectId, windowStart, below],
      );
    if ((await update()) === 1) return true;
    // Most subjects have a row; only the first attempt pays for creating it.
    await this.counters
      .createQueryBuilder()
      .insert()
      .into(AttemptCounter)
      .values({ scope, subjectId, attempts: 0, lastAttemptAt: null })
      .orIgnore()
      .execute();
    return (await update()) === 1;
  }

  private async retryAfterSeconds(
    scope: CounterScope,
    subjectId: string,
    limit: CounterLimit,
  ): Promise<number> {
    const counter = await this.counters.findOneBy({ scope, subjectId });
    if (!counter?.lastAttemptAt || counter.attempts < limit.max) return 0;
    const waitMs = counter.lastAttemptAt.getTime() + limit.windowMs - this.clock.now().getTime();
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }
}
