import { Injectable } from '@nestjs/common';
import { AuditService } from 'src/audit/audit.service';
import type { Principal } from 'src/auth/principal';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { DevicesService } from 'src/devices/devices.service';
import { MailService } from 'src/mail/mail.service';
import { PolicyService } from 'src/policy/policy.service';
import type { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import { PasswordService } from 'src/users/password.service';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import { EmailFactorService } from './email/email-factor.service';
import { RecoveryCodesService } from './recovery/recovery-codes.service';
import { TotpFactorService, type TotpEnrolment } from './totp/totp-factor.service';
import type { TwoFactorMethod } from './two-factor-method';
import { TwoFactorStateService } from './two-factor-state.service';
import type {
  EmailEnabledDto,
  PendingAddressDto,
  RecoveryCodesDto,
  TotpEnabledDto,
  TwoFactorStatusDto,
} from './two-factor.dto';

/**
 * Profile > Two-factor authentication. Every change needs the current password, except with a
 * setup token (its login just proved the password); confirming with one answers the session.
 */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly email: EmailFactorService,
    private readonly totp: TotpFactorService,
    private readonly recovery: RecoveryCodesService,
    private readonly state: TwoFactorStateService,
    private readonly passwords: PasswordService,
    private readonly users: UsersService,
    private readonly policy: PolicyService,
    private readonly devices: DevicesService,
    private readonly sessions: SessionsService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  /** Enabled methods, strongest first: an authenticator app before email (E6). */
  async enabledMethods(userId: string): Promise<TwoFactorMethod[]> {
    const [totp, email] = await Promise.all([this.totp.find(userId), this.email.find(userId)]);
    const methods: TwoFactorMethod[] = [];
    if (totp?.secret) methods.push('totp');
    if (email?.address) methods.push('email');
    return methods;
  }

  async status(caller: Principal): Promise<TwoFactorStatusDto> {
    const [totp, email, lastUsedMethod, required, remaining] = await Promise.all([
      this.totp.find(caller.userId),
      this.email.find(caller.userId),
      this.state.lastUsedMethod(caller.userId),
      this.policy.isMandatory(caller.accountId),
      this.recovery.remaining(caller.userId),
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

  async startEmailSetup(
    caller: Principal,
    password: string | undefined,
    address: string,
  ): Promise<PendingAddressDto> {
    await this.requirePassword(caller, password);
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
    const address = await this.email.confirmSetup(caller.userId, code);
    return this.enabled(caller, 'email', client, { enabled: true, address });
  }

  async startTotpEnrolment(
    caller: Principal,
    password: string | undefined,
  ): Promise<TotpEnrolment> {
    const user = await this.requirePassword(caller, password);
    return this.totp.startEnrolment(user.id, user.email);
  }

  async confirmTotpEnrolment(
    caller: Principal,
    code: string,
    client: ClientInfo,
  ): Promise<TotpEnabledDto | SessionDto> {
    await this.totp.confirmEnrolment(caller.userId, code);
    return this.enabled(caller, 'totp', client, { enabled: true });
  }

  /**
   * 409 LAST_METHOD_REQUIRED while 2FA is mandatory and this is the only method. Removing the
   * last method also ends trusted devices and recovery codes: nothing is left for them to stand in for.
   */
  async removeMethod(
    caller: Principal,
    method: TwoFactorMethod,
    password: string,
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.requirePassword(caller, password);
    const methods = await this.enabledMethods(user.id);
    if (
      methods.length === 1 &&
      methods[0] === method &&
      (await this.policy.isMandatory(user.accountId))
    ) {
      throw new AppException(
        ErrorCode.LAST_METHOD_REQUIRED,
        'Two-factor authentication is mandatory: set up another method before removing this one',
      );
    }
    if (method === 'email') await this.email.remove(user.id);
    else await this.totp.remove(user.id);
    if (methods.every((other) => other === method)) {
      await this.devices.revokeAll(user.id);
      await this.recovery.removeAll(user.id);
    }
    await this.audit.record({ type: 'two_factor.method_removed', user, factor: method, client });
    await this.mail.sendMethodRemoved(user.email, method);
  }

  /** R1: ten new codes, shown once; only for a user who has a method to recover. */
  async regenerateRecoveryCodes(caller: Principal, password: string): Promise<RecoveryCodesDto> {
    const user = await this.requirePassword(caller, password);
    if ((await this.enabledMethods(user.id)).length === 0) {
      throw new AppException(
        ErrorCode.METHOD_NOT_ENABLED,
        'Set up a two-factor method before recovery codes',
      );
    }
    return { codes: await this.recovery.regenerate(user.id) };
  }

  /** A3: everything the user had for the second factor goes; the administrator sees none of it. */
  async resetByAdministrator(admin: Principal, userId: string, client: ClientInfo): Promise<void> {
    const user = await this.users.getInAccount(admin.accountId, userId);
    await this.email.remove(user.id);
    await this.totp.remove(user.id);
    await this.recovery.removeAll(user.id);
    await this.state.clear(user.id);
    await this.devices.revokeAll(user.id);
    await this.sessions.endAll(user.id);
    await this.audit.record({ type: 'two_factor.reset', user, actorId: admin.userId, client });
    await this.mail.sendTwoFactorReset(user.email);
  }

  private async requirePassword(caller: Principal, password: string | undefined): Promise<User> {
    const user = await this.users.findById(caller.userId);
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    if (caller.tokenKind === 'setup') {
      // A setup token stands in for the password only until the first method exists.
      if ((await this.enabledMethods(user.id)).length > 0) {
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
    await this.passwords.requireCurrent(user.passwordHash, password);
    return user;
  }

  /** Audits and notifies; a setup token's first method completes its login with a full session. */
  private async enabled<T>(
    caller: Principal,
    method: TwoFactorMethod,
    client: ClientInfo,
    answer: T,
  ): Promise<T | SessionDto> {
    const user = await this.users.findWithAccount(caller.userId);
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    await this.audit.record({ type: 'two_factor.method_enabled', user, factor: method, client });
    await this.mail.sendMethodEnabled(user.email, method);
    return caller.tokenKind === 'setup'
      ? this.sessions.start(user, { secondFactor: true })
      : answer;
  }
}
