import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { AuditService } from 'src/audit/audit.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { Transactions } from 'src/database/transactions';
import { DevicesService } from 'src/devices/devices.service';
import { MailService } from 'src/mail/mail.service';
import { PolicyService } from 'src/policy/policy.service';
import type { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import { EmailFactorService } from 'src/two-factor/email/email-factor.service';
import { FactorRegistry, methodsOf, type TwoFactorMethod } from 'src/two-factor/factor-registry';
import { SecondFactorLockout } from 'src/two-factor/lockout.service';
import { MethodPreferenceService } from 'src/two-factor/method-preference.service';
import { TotpFactorService, type TotpEnrolment } from 'src/two-factor/totp/totp-factor.service';
import type {
  EmailEnabledDto,
  PendingAddressDto,
  RecoveryCodesDto,
  TotpEnabledDto,
  TwoFactorStatusDto,
} from 'src/two-factor/two-factor.dto';
import { TwoFactorService } from 'src/two-factor/two-factor.service';
import { PasswordRecheckService } from 'src/users/password-recheck.service';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import { AccessService } from './access.service';
import { ChallengesService, setupSpent } from './challenges.service';

/**
 * Profile > Security: the user's own methods, password and sessions, and an administrator's
 * reset. Every change needs the current password (P6), except with a setup token, whose login
 * just proved it; confirming a method with one answers the session it was waiting for.
 */
@Injectable()
export class AccountSecurityService {
  constructor(
    private readonly users: UsersService,
    private readonly recheck: PasswordRecheckService,
    private readonly access: AccessService,
    private readonly policy: PolicyService,
    private readonly sessions: SessionsService,
    private readonly devices: DevicesService,
    private readonly challenges: ChallengesService,
    private readonly twoFactor: TwoFactorService,
    private readonly factors: FactorRegistry,
    private readonly email: EmailFactorService,
    private readonly totp: TotpFactorService,
    private readonly lockout: SecondFactorLockout,
    private readonly preferences: MethodPreferenceService,
    private readonly transactions: Transactions,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  async status(caller: Principal): Promise<TwoFactorStatusDto> {
    return this.twoFactor.status(caller.userId, await this.policy.isMandatory(caller.accountId));
  }

  async startEmailSetup(
    caller: Principal,
    password: string | undefined,
    address: string,
    client: ClientInfo,
  ): Promise<PendingAddressDto> {
    await this.requirePassword(caller, password, client);
    return this.email.startSetup(caller.userId, address);
  }

  resendEmailSetupCode(caller: Principal): Promise<void> {
    return this.email.resendSetupCode(caller.userId);
  }

  async confirmEmailSetup(
    caller: Principal,
    code: string,
    client: ClientInfo,
  ): Promise<EmailEnabledDto | SessionDto> {
    const { address, enable } = await this.email.confirmSetup(caller.userId, code);
    await this.twoFactor.enableMethod(caller.userId, enable);
    return this.enabled(caller, 'email', client, { enabled: true, address });
  }

  async startTotpEnrolment(
    caller: Principal,
    password: string | undefined,
    client: ClientInfo,
  ): Promise<TotpEnrolment> {
    const user = await this.requirePassword(caller, password, client);
    return this.totp.startEnrolment(user.id, user.email);
  }

  async confirmTotpEnrolment(
    caller: Principal,
    code: string,
    client: ClientInfo,
  ): Promise<TotpEnabledDto | SessionDto> {
    await this.twoFactor.enableMethod(caller.userId, (manager) =>
      this.totp.confirmEnrolment(manager, caller.userId, code),
    );
    return this.enabled(caller, 'totp', client, { enabled: true });
  }

  /**
   * 409 LAST_METHOD_REQUIRED while 2FA is mandatory and this is the only method: decided under
   * the user row's lock, so two removals at once never both pass. Removing the last method also
   * ends trusted devices and recovery codes, whichever request removes it.
   */
  async removeMethod(
    caller: Principal,
    method: TwoFactorMethod,
    password: string,
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.requirePassword(caller, password, client);
    const removed = await this.transactions.run(async (manager) => {
      await this.users.lockForChange(manager, user.id);
      const before = await this.factors.enabledMethods(manager, user.id);
      const remaining = before.filter((other) => other !== method);
      if (before.includes(method) && (await this.access.lacksRequiredMethod(user, remaining))) {
        return false;
      }
      await this.factors.get(method).remove(manager, user.id);
      if (remaining.length === 0) {
        await this.factors.recovery.remove(manager, user.id);
        await this.devices.revokeAll(user.id, manager);
      }
      await this.users.setTwoFactorMethods(manager, user.id, remaining);
      return true;
    });
    if (!removed) {
      throw new AppException(
        ErrorCode.LAST_METHOD_REQUIRED,
        'Two-factor authentication is mandatory: set up another method before removing this one',
      );
    }
    await this.audit.record({ type: 'two_factor.method_removed', user, factor: method, client });
    await this.mail.sendMethodRemoved(user.email, this.factors.labelOf(method));
  }

  /** R1: ten new codes, shown once; only for a user who has a method to recover. */
  async regenerateRecoveryCodes(
    caller: Principal,
    password: string,
    client: ClientInfo,
  ): Promise<RecoveryCodesDto> {
    const user = await this.requirePassword(caller, password, client);
    const codes = await this.transactions.run(async (manager) => {
      await this.users.lockForChange(manager, user.id);
      if ((await this.factors.enabledMethods(manager, user.id)).length === 0) return null;
      return this.factors.recovery.regenerate(manager, user.id);
    });
    if (!codes) {
      throw new AppException(
        ErrorCode.METHOD_NOT_ENABLED,
        'Set up a two-factor method before recovery codes',
      );
    }
    return { codes };
  }

  /** S4, D4: every session and trusted device of the user ends. */
  async logoutEverywhere(userId: string): Promise<void> {
    await this.sessions.endAll(userId);
    await this.devices.revokeAll(userId);
  }

  /** Other sessions and every trusted device end; the caller's session carries on (S4, D4). */
  async changePassword(
    caller: Principal,
    current: string,
    next: string,
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.requirePassword(caller, current, client);
    await this.users.changePassword(user.id, next);
    await this.recheck.reset(user.id);
    await this.sessions.endAll(user.id, caller.sessionId);
    await this.devices.revokeAll(user.id);
  }

  /** A3: everything the user had for the second factor goes; the administrator sees none of it. */
  async resetTwoFactor(admin: Principal, userId: string, client: ClientInfo): Promise<void> {
    const user = await this.users.getInAccount(admin.accountId, userId);
    await this.transactions.run(async (manager) => {
      await this.users.lockForChange(manager, user.id);
      await this.factors.removeAll(manager, user.id);
      await this.devices.revokeAll(user.id, manager);
      await this.users.setTwoFactorMethods(manager, user.id, []);
    });
    await this.lockout.clear(user.id);
    await this.preferences.clear(user.id);
    await this.sessions.endAll(user.id);
    await this.audit.record({ type: 'two_factor.reset', user, actorId: admin.userId, client });
    await this.mail.sendTwoFactorReset(user.email);
  }

  private async requirePassword(
    caller: Principal,
    password: string | undefined,
    client: ClientInfo,
  ): Promise<User> {
    const user = await this.users.findById(caller.userId);
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    if (caller.tokenKind === 'setup') {
      // A setup token stands in for the password only until the first method exists.
      if (methodsOf(user).length > 0) {
        throw new AppException(
          ErrorCode.TWO_FACTOR_REQUIRED,
          'A method is set up: sign in with it',
        );
      }
      return user;
    }
    if (password === undefined) {
      throw new AppException(ErrorCode.VALIDATION_FAILED, 'password is required');
    }
    await this.recheck.require(user, password, client);
    return user;
  }

  /**
   * Records the method on the user row, audits and notifies; a setup token's first method
   * completes its sign-in with a full session, once (S7).
   */
  private async enabled<T>(
    caller: Principal,
    method: TwoFactorMethod,
    client: ClientInfo,
    answer: T,
  ): Promise<T | SessionDto> {
    const user = await this.users.findWithAccount(caller.userId);
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    await this.audit.record({ type: 'two_factor.method_enabled', user, factor: method, client });
    await this.mail.sendMethodEnabled(user.email, this.factors.labelOf(method));
    if (caller.tokenKind !== 'setup') return answer;
    if (!(await this.challenges.complete(caller.sessionId))) throw setupSpent();
    return this.sessions.start(user, 'second_factor');
  }
}
