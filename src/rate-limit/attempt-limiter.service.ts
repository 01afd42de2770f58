import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { Repository } from 'typeorm';
import { Clock } from 'src/common/clock';
import type { CounterLimit } from 'src/config/limits';
import { insertIgnoringDuplicates, sqlAffected } from 'src/database/sql';
import { ambientRepository } from 'src/database/transactions';
import { AttemptCounter, type CounterScope } from './attempt-counter.entity';

export type Reservation = { granted: true } | { granted: false; retryAfterSeconds: number };

/** What a refusal does to the count: failures keep counting while exhausted (B3), sends do not. */
export type WhenRefused = 'counts' | 'free';

/** How long a request waits for an attempt in flight to be decided before it is refused. */
const SLOT_WAIT_MS = 3_000;
const SLOT_POLL_MS = 15;
/** A reservation never settled (its process died mid-check) stops holding its place after this. */
const RESERVATION_TTL_MS = 60_000;

/**
 * Counts attempts per subject with a chained window: an attempt within `windowMs` of the last
 * counted one adds to the count, a later one starts again at 1. Each attempt is reserved before
 * it is evaluated, by one conditional UPDATE that admits it only while counted and pending
 * attempts stay under `max`, so parallel requests never get more than `max` evaluated (B6).
 * A reservation is then settled: counted (a wrong password, a sent mail) or given back. Only
 * settled attempts count, so right answers sent at once never lock anyone (I5): a request that
 * finds every place taken by attempts in flight waits for them to be decided instead of failing.
 */
@Injectable()
export class AttemptLimiter {
  constructor(
    @InjectRepository(AttemptCounter) private readonly counters: Repository<AttemptCounter>,
    private readonly clock: Clock,
  ) {}

  async reserve(
    scope: CounterScope,
    subjectId: string,
    limit: CounterLimit,
    whenRefused: WhenRefused,
  ): Promise<Reservation> {
    const deadline = Date.now() + SLOT_WAIT_MS;
    for (;;) {
      if (await this.tryReserve(scope, subjectId, limit)) return { granted: true };
      const exhausted =
        whenRefused === 'counts'
          ? await this.countWhileExhausted(scope, subjectId, limit)
          : await this.isExhausted(scope, subjectId, limit);
      if (exhausted) {
        return {
          granted: false,
          retryAfterSeconds: await this.retryAfterSeconds(scope, subjectId, limit),
        };
      }
      // Every place is held by attempts in flight; refused unchecked after a while, counting nothing.
      if (Date.now() >= deadline) return { granted: false, retryAfterSeconds: 1 };
      await sleep(SLOT_POLL_MS + Math.random() * SLOT_POLL_MS);
    }
  }

  /** Decides a reserved attempt: `counted` adds it to the count, otherwise it is given back. */
  async settle(
    scope: CounterScope,
    subjectId: string,
    limit: CounterLimit,
    counted: boolean,
  ): Promise<void> {
    if (!counted) {
      await sqlAffected(
        this.counters.manager,
        'UPDATE attempt_counters SET pending = pending - 1 WHERE scope = ? AND subjectId = ? AND pending > 0',
        [scope, subjectId],
      );
      return;
    }
    const now = this.clock.now();
    // `attempts` is assigned first, so its CASE still sees the previous lastAttemptAt.
    await sqlAffected(
      this.counters.manager,
      `UPDATE attempt_counters
        SET attempts = CASE WHEN lastAttemptAt IS NULL OR lastAttemptAt <= ? THEN 1 ELSE attempts + 1 END,
          lastAttemptAt = ?,
          pending = CASE WHEN pending > 0 THEN pending - 1 ELSE 0 END
        WHERE scope = ? AND subjectId = ?`,
      [new Date(now.getTime() - limit.windowMs), now, scope, subjectId],
    );
  }

  /** Whether the subject has used up its attempts, e.g. right after a failure. */
  async isExhausted(scope: CounterScope, subjectId: string, limit: CounterLimit): Promise<boolean> {
    return (await this.retryAfterSeconds(scope, subjectId, limit)) > 0;
  }

  async clear(scope: CounterScope, subjectId: string): Promise<void> {
    await this.counters.delete({ scope, subjectId });
  }

  /** One conditional UPDATE: takes a place while counted and pending attempts are under `max`. */
  private async tryReserve(
    scope: CounterScope,
    subjectId: string,
    limit: CounterLimit,
  ): Promise<boolean> {
    const now = this.clock.now();
    const windowStart = new Date(now.getTime() - limit.windowMs);
    const staleBefore = new Date(now.getTime() - RESERVATION_TTL_MS);
    // `pending` is assigned first, so its CASE still sees the previous pendingAt.
    const update = () =>
      sqlAffected(
        this.counters.manager,
        `UPDATE attempt_counters
          SET pending = CASE WHEN pendingAt IS NULL OR pendingAt <= ? THEN 1 ELSE pending + 1 END,
            pendingAt = ?
          WHERE scope = ? AND subjectId = ?
            AND (CASE WHEN lastAttemptAt IS NULL OR lastAttemptAt <= ? THEN 0 ELSE attempts END)
              + (CASE WHEN pendingAt IS NULL OR pendingAt <= ? THEN 0 ELSE pending END) < ?`,
        [staleBefore, now, scope, subjectId, windowStart, staleBefore, limit.max],
      );
    if ((await update()) === 1) return true;
    // Most subjects have a row; the first attempt creates it holding its own reservation, and
    // only a parallel first attempt that created it meanwhile has to reserve again.
    const created = await sqlAffected(
      this.counters.manager,
      `${insertIgnoringDuplicates(this.counters.manager)} INTO attempt_counters
        (scope, subjectId, attempts, lastAttemptAt, pending, pendingAt) VALUES (?, ?, 0, NULL, 1, ?)`,
      [scope, subjectId, now],
    );
    return created === 1 || (await update()) === 1;
  }

  /**
   * B3: an attempt refused while the count is used up still counts and extends the wait; one
   * conditional UPDATE, so it counts only when the subject really is exhausted.
   */
  private async countWhileExhausted(
    scope: CounterScope,
    subjectId: string,
    limit: CounterLimit,
  ): Promise<boolean> {
    const now = this.clock.now();
    const counted = await sqlAffected(
      this.counters.manager,
      `UPDATE attempt_counters SET attempts = attempts + 1, lastAttemptAt = ?
        WHERE scope = ? AND subjectId = ? AND lastAttemptAt > ? AND attempts >= ?`,
      [now, scope, subjectId, new Date(now.getTime() - limit.windowMs), limit.max],
    );
    return counted === 1;
  }

  /** How long until the subject may try again; 0 when it may now. */
  async retryAfterSeconds(
    scope: CounterScope,
    subjectId: string,
    limit: CounterLimit,
  ): Promise<number> {
    const counter = await ambientRepository(this.counters).findOneBy({ scope, subjectId });
    if (!counter?.lastAttemptAt || counter.attempts < limit.max) return 0;
    const waitMs = counter.lastAttemptAt.getTime() + limit.windowMs - this.clock.now().getTime();
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }
}
