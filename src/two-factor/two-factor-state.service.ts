import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from 'src/common/clock';
import { TwoFactorState } from './two-factor-state.entity';
import type { TwoFactorMethod } from './two-factor-method';

const LOCKOUT_THRESHOLD = 10;
const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;

/**
 * B2/B3: one failure counter per user across every factor and challenge. Ten failures within
 * 15 minutes of each other lock the second factor until 15 minutes after the last one.
 */
@Injectable()
export class TwoFactorStateService {
  constructor(
    @InjectRepository(TwoFactorState) private readonly states: Repository<TwoFactorState>,
    private readonly clock: Clock,
  ) {}

  async lastUsedMethod(userId: string): Promise<TwoFactorMethod | null> {
    return (await this.states.findOne({ where: { userId } }))?.lastUsedMethod ?? null;
  }

  async isLocked(userId: string): Promise<boolean> {
    const state = await this.states.findOne({ where: { userId } });
    return !!state && this.lockedAt(state, this.clock.now());
  }

  /** One atomic UPDATE per failure, so parallel failures are all counted (B3). Returns whether now locked. */
  async recordFailure(userId: string): Promise<boolean> {
    await this.ensureRow(userId);
    const now = this.clock.now();
    await this.states
      .createQueryBuilder()
      .update(TwoFactorState)
      .set({
        failureCount: () =>
          'CASE WHEN lastFailureAt IS NULL OR lastFailureAt < :windowStart THEN 1 ELSE failureCount + 1 END',
        lastFailureAt: now,
      })
      .where('userId = :userId', { userId })
      .setParameter('windowStart', new Date(now.getTime() - LOCKOUT_WINDOW_MS))
      .execute();
    return this.isLocked(userId);
  }

  /** Resets the failures; `method` null (a recovery code) leaves the last used method as it was. */
  async recordSuccess(userId: string, method: TwoFactorMethod | null): Promise<void> {
    await this.ensureRow(userId);
    await this.states.update(
      { userId },
      { ...(method && { lastUsedMethod: method }), failureCount: 0, lastFailureAt: null },
    );
  }

  async clear(userId: string): Promise<void> {
    await this.states.delete({ userId });
  }

  private lockedAt(state: TwoFactorState, now: Date): boolean {
    return (
      state.failureCount >= LOCKOUT_THRESHOLD &&
      !!state.lastFailureAt &&
      state.lastFailureAt.getTime() + LOCKOUT_WINDOW_MS > now.getTime()
    );
  }

  private async ensureRow(userId: string): Promise<void> {
    await this.states
      .createQueryBuilder()
      .insert()
      .into(TwoFactorState)
      .values({ userId, failureCount: 0 })
      .orIgnore()
      .execute();
  }
}
