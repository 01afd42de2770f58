import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Transactions } from 'src/database/transactions';
import { UsersService } from 'src/users/users.service';
import { EmailFactorService } from './email/email-factor.service';
import { FactorRegistry } from './factor-registry';
import { MethodPreferenceService } from './method-preference.service';
import { TotpFactorService } from './totp/totp-factor.service';
import type { TwoFactorStatusDto } from './two-factor.dto';

/** The user's methods as a whole: which are in force, and what the profile page shows. */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly factors: FactorRegistry,
    private readonly email: EmailFactorService,
    private readonly totp: TotpFactorService,
    private readonly preferences: MethodPreferenceService,
    private readonly users: UsersService,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Turns a method on with `promote` and records the methods in force on the user row from what
   * the factors' own tables say, in one transaction under the row's lock, so the two never
   * disagree, even when the database goes away midway.
   */
  enableMethod<T>(userId: string, promote: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.transactions.run(async (manager) => {
      await this.users.lockForChange(manager, userId);
      const result = await promote(manager);
      const methods = await this.factors.enabledMethods(manager, userId);
      await this.users.setTwoFactorMethods(manager, userId, methods);
      return result;
    });
  }

  async status(userId: string, required: boolean): Promise<TwoFactorStatusDto> {
    const [totp, email, lastUsedMethod, remaining] = await Promise.all([
      this.totp.find(userId),
      this.email.find(userId),
      this.preferences.lastUsed(userId),
      this.factors.recovery.remaining(userId),
    ]);
    return {
      required,
      lastUsedMethod,
      email: {
        enabled: !!email?.address,
        address: email?.address ?? null,
        pendingAddress: email?.pendingAddress ?? null,
      },
      totp: { enabled: !!totp?.secret, configuredAt: totp?.secret ? totp.configuredAt : null },
      recoveryCodes: { remaining },
    };
  }
}
