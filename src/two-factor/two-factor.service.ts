import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditService } from 'src/audit/audit.service';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { MailService } from 'src/mail/mail.service';
import { PasswordService } from 'src/users/password.service';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import { EmailFactorService } from './email/email-factor.service';
import { TotpFactorService, type TotpEnrolment } from './totp/totp-factor.service';
import type { TwoFactorMethod } from './two-factor-method';
import { TwoFactorStateService } from './two-factor-state.service';
import type {
  EmailEnabledDto,
  PendingAddressDto,
  TotpEnabledDto,
  TwoFactorStatusDto,
} from './two-factor.dto';

/** Profile > Two-factor authentication: every change needs the current password. */
@Injectable()
export class TwoFactorService {
  private readonly logger = new Logger('TwoFactor');

  constructor(
    private readonly email: EmailFactorService,
    private readonly totp: TotpFactorService,
    private readonly state: TwoFactorStateService,
    private readonly passwords: PasswordService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Enabled methods, strongest first: an authenticator app before email (E6). */
  async enabledMethods(userId: string): Promise<TwoFactorMethod[]> {
    const [totp, email] = await Promise.all([this.totp.find(userId), this.email.find(userId)]);
    const methods: TwoFactorMethod[] = [];
    if (totp?.secret) methods.push('totp');
    if (email?.address) methods.push('email');
    return methods;
  }

  async status(userId: string): Promise<TwoFactorStatusDto> {
    const [totp, email, lastUsedMethod] = await Promise.all([
      this.totp.find(userId),
      this.email.find(userId),
      this.state.lastUsedMethod(userId),
    ]);
    return {
      required: this.isMandatory(),
      lastUsedMethod,
      email: {
        enabled: !!email?.address,
        address: email?.address ?? null,
        pendingAddress: email?.pendingAddress ?? null,
      },
      totp: { enabled: !!totp?.secret, configuredAt: totp?.secret ? totp.configuredAt : null },
    };
  }

  async startEmailSetup(
    userId: string,
    password: string,
    address: string,
  ): Promise<PendingAddressDto> {
    await this.requirePassword(await this.user(userId), password);
    return this.email.startSetup(userId, address);
  }

  resendEmailSetupCode(userId: string): Promise<void> {
    return this.email.resendSetupCode(userId);
  }

  async confirmEmailSetup(
    userId: string,
    code: string,
    client: ClientInfo,
  ): Promise<EmailEnabledDto> {
    const address = await this.email.confirmSetup(userId, code);
    await this.enabled(await this.user(userId), 'email', client);
    return { enabled: true, address };
  }

  async startTotpEnrolment(userId: string, password: string): Promise<TotpEnrolment> {
    const user = await this.user(userId);
    await this.requirePassword(user, password);
    return this.totp.startEnrolment(user.id, user.email);
  }

  async confirmTotpEnrolment(
    userId: string,
    code: string,
    client: ClientInfo,
  ): Promise<TotpEnabledDto> {
    await this.totp.confirmEnrolment(userId, code);
    await this.enabled(await this.user(userId), 'totp', client);
    return { enabled: true };
  }

  async removeMethod(
    userId: string,
    method: TwoFactorMethod,
    password: string,
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.user(userId);
    await this.requirePassword(user, password);
    if (method === 'email') await this.email.remove(user.id);
    else await this.totp.remove(user.id);
    await this.audit.record({ type: 'two_factor.method_removed', user, factor: method, client });
    await this.notify(() => this.mail.sendMethodRemoved(user.email, method));
  }

  /** The platform-wide date; the per-account policy joins it with the policy module. */
  private isMandatory(): boolean {
    const from = this.config.twoFactorMandatoryFrom;
    return !!from && from <= this.clock.now();
  }

  private async user(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    return user;
  }

  private async requirePassword(user: User, password: string): Promise<void> {
    if (!(await this.passwords.verify(user.passwordHash, password))) {
      throw new AppException(ErrorCode.INVALID_PASSWORD, 'The current password is not correct');
    }
  }

  private async enabled(user: User, method: TwoFactorMethod, client: ClientInfo): Promise<void> {
    await this.audit.record({ type: 'two_factor.method_enabled', user, factor: method, client });
    await this.notify(() => this.mail.sendMethodEnabled(user.email, method));
  }

  /**
   * Notices go to the login email after the change is made; a mail outage must not undo a
   * change the user just confirmed, so it is logged instead of answered.
   */
  private async notify(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.logger.warn(
        `Notification not sent: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
