import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Principal } from 'src/access/principal';
import { AuditService } from 'src/audit/audit.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { DevicesService } from 'src/devices/devices.service';
import { MailService } from 'src/mail/mail.service';
import { PolicyService } from 'src/policy/policy.service';
import { FactorRegistry, type TwoFactorMethod } from 'src/two-factor/factor-registry';
import type { RecoveryCodesDto } from 'src/two-factor/recovery/recovery.dto';
import type { SecondFactorMethod } from 'src/two-factor/second-factor';
import type { TwoFactorStatusDto } from 'src/two-factor/two-factor.dto';
import { TwoFactorService } from 'src/two-factor/two-factor.service';
import type { User } from 'src/users/user.entity';
import { AccessService } from './access.service';
import { PasswordGate } from './password-gate.service';

/**
 * Profile > Two-factor authentication, beside setup: the status map, removing a method or one
 * of its credentials, and recovery codes. Each change needs the current password (P6).
 */
@Injectable()
export class MethodSettingsService {
  constructor(
    private readonly factors: FactorRegistry,
    private readonly twoFactor: TwoFactorService,
    private readonly gate: PasswordGate,
    private readonly access: AccessService,
    private readonly policy: PolicyService,
    private readonly devices: DevicesService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  async status(caller: Principal): Promise<TwoFactorStatusDto> {
    return this.twoFactor.status(caller.userId, await this.policy.isMandatory(caller.accountId));
  }

  async removeMethod(
    caller: Principal,
    methodName: string,
    password: string,
    client: ClientInfo,
  ): Promise<void> {
    const method = this.factors.method(methodName);
    const user = await this.gate.pass(caller, password, client);
    // Idempotent, but only the removal that found the method in force (under the row's lock)
    // is audited and mailed: removing a method again, or a pending setup, tells no one.
    const wasInForce = await this.remove(user, async (manager, before) => {
      await method.remove(manager, user.id);
      return before.includes(method.name);
    });
    if (wasInForce) await this.removed(user, method, client);
  }

  /** One credential of a method that has several; the last one takes the method with it. */
  async removeCredential(
    caller: Principal,
    methodName: string,
    credentialId: string,
    password: string,
    client: ClientInfo,
  ): Promise<void> {
    const method = this.factors.method(methodName);
    const removeCredential = method.removeCredential?.bind(method);
    if (!removeCredential) {
      throw new AppException(ErrorCode.NOT_FOUND, `The ${methodName} method has no credentials`);
    }
    const user = await this.gate.pass(caller, password, client);
    await this.remove(user, async (manager) => {
      if (!(await removeCredential(manager, user.id, credentialId))) {
        throw new AppException(ErrorCode.NOT_FOUND, 'No such credential');
      }
    });
    await this.removed(user, method, client);
  }

  /** R1: ten new codes, shown once; only for a user who has a method to recover. */
  async regenerateRecoveryCodes(
    caller: Principal,
    password: string,
    client: ClientInfo,
  ): Promise<RecoveryCodesDto> {
    const user = await this.gate.pass(caller, password, client);
    const codes = await this.twoFactor.changeMethods(user.id, {
      // Refused inside the transaction, so the refusal writes nothing (I3), not even the user row.
      apply: (manager, before) => {
        if (before.length === 0) {
          throw new AppException(
            ErrorCode.METHOD_NOT_ENABLED,
            'Set up a two-factor method before recovery codes',
          );
        }
        return this.factors.recovery.regenerate(manager, user.id);
      },
    });
    return { codes };
  }

  /**
   * 409 LAST_METHOD_REQUIRED while 2FA is mandatory and the change would leave no method:
   * decided under the user row's lock, so two removals at once never both pass, and undone
   * whole. The last method's removal also ends trusted devices (and recovery codes).
   */
  private remove<T>(
    user: User,
    removal: (manager: EntityManager, before: TwoFactorMethod[]) => Promise<T>,
  ): Promise<T> {
    return this.twoFactor.changeMethods(user.id, {
      apply: removal,
      settle: async (manager, after: TwoFactorMethod[], before: TwoFactorMethod[]) => {
        if (after.length > 0) return;
        if (before.length > 0 && (await this.access.lacksRequiredMethod(user, after))) {
          throw new AppException(
            ErrorCode.LAST_METHOD_REQUIRED,
            'Two-factor authentication is mandatory: set up another method before removing this one',
          );
        }
        await this.devices.revokeAll(user.id, manager);
      },
    });
  }

  private async removed(user: User, method: SecondFactorMethod, client: ClientInfo) {
    await this.audit.record({
      type: 'two_factor.method_removed',
      user,
      factor: method.name,
      client,
    });
    await this.mail.sendMethodRemoved(user, method);
  }
}
