import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Transactions } from 'src/database/transactions';
import { UsersService } from 'src/users/users.service';
import { FactorRegistry, type TwoFactorMethod } from './factor-registry';
import { SecondFactorLockout } from './lockout.service';
import { MethodPreferenceService } from './method-preference.service';
import type { TwoFactorStatusDto } from './two-factor.dto';

/** A change to a user's methods, run by `TwoFactorService.changeMethods`. */
export interface MethodChange<T> {
  /** Decides and changes, under the user row's lock; `before` are the methods in force. */
  apply(manager: EntityManager, before: TwoFactorMethod[]): Promise<T>;
  /**
   * Then, in the same transaction, with the methods now in force: what follows from them
   * (trusted devices end with the last method). Throwing undoes the whole change.
   */
  settle?(
    manager: EntityManager,
    after: TwoFactorMethod[],
    before: TwoFactorMethod[],
  ): Promise<void>;
}

/** The user's methods as a whole: which are in force, what the profile shows, a reset. */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly factors: FactorRegistry,
    private readonly preferences: MethodPreferenceService,
    private readonly lockout: SecondFactorLockout,
    private readonly users: UsersService,
    private readonly transactions: Transactions,
  ) {}

  /**
   * The one place `users.twoFactorMethods` is written. Every change to a user's methods runs
   * here, in one transaction under the row's lock (`SELECT … FOR UPDATE`), so two changes never
   * decide on the same state; the list is then recomputed from the factors' own tables, so the
   * two never disagree, even when the database goes away midway. With no method left, recovery
   * codes go too.
   */
  changeMethods<T>(userId: string, change: MethodChange<T>): Promise<T> {
    return this.transactions.run(async (manager) => {
      await this.users.lockForChange(manager, userId);
      const before = await this.factors.enabledMethods(manager, userId);
      const result = await change.apply(manager, before);
      const after = await this.factors.enabledMethods(manager, userId);
      if (after.length === 0) await this.factors.recovery.remove(manager, userId);
      await change.settle?.(manager, after, before);
      await this.users.setTwoFactorMethods(manager, userId, after);
      return result;
    });
  }

  /** A3: every method, credential, pending code and recovery code goes, and the lockout with them. */
  async reset(userId: string, settle: (manager: EntityManager) => Promise<void>): Promise<void> {
    await this.changeMethods(userId, {
      apply: (manager) => this.factors.removeAll(manager, userId),
      settle,
    });
    await this.lockout.clear(userId);
    await this.preferences.clear(userId);
  }

  /** Each registered method's status under its name, in the order of names. */
  async status(userId: string, required: boolean): Promise<TwoFactorStatusDto> {
    const methods = [...this.factors.methods].sort((a, b) => a.name.localeCompare(b.name));
    const [statuses, lastUsedMethod, remaining] = await Promise.all([
      Promise.all(methods.map((method) => method.status(userId))),
      this.preferences.lastUsed(userId),
      this.factors.recovery.remaining(userId),
    ]);
    return {
      required,
      lastUsedMethod,
      ...Object.fromEntries(methods.map((method, index) => [method.name, statuses[index]])),
      recoveryCodes: { remaining },
    };
  }
}
