import { Injectable } from '@nestjs/common';
import { AuditService } from 'src/audit/audit.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { DevicesService } from 'src/devices/devices.service';
import { PolicyService } from 'src/policy/policy.service';
import type { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import { SecondFactorLockout } from 'src/two-factor/lockout.service';
import type { PasswordlessSignInDto } from 'src/two-factor/passkey/passkey.dto';
import { PasskeyService } from 'src/two-factor/passkey/passkey.service';
import { UsersService } from 'src/users/users.service';

const FACTOR = PasskeyService.method;

/**
 * Signing in with a passkey alone: a verified user (W4) on a discoverable passkey stands for
 * both the password and the second factor, so a mandatory policy is met. The attempt counts on
 * the user's second-factor lockout like a code at a challenge (B2, B6).
 */
@Injectable()
export class PasskeySignInService {
  constructor(
    private readonly passkeys: PasskeyService,
    private readonly users: UsersService,
    private readonly lockout: SecondFactorLockout,
    private readonly sessions: SessionsService,
    private readonly devices: DevicesService,
    private readonly audit: AuditService,
    private readonly policy: PolicyService,
  ) {}

  async options(): Promise<{ options: Record<string, unknown> }> {
    return { options: { ...(await this.passkeys.passwordlessOptions()) } };
  }

  async signIn(input: PasswordlessSignInDto, client: ClientInfo): Promise<SessionDto> {
    const ownerId = await this.passkeys.claimedOwner(input.response);
    const user = ownerId ? await this.users.findWithAccount(ownerId) : null;
    // An account may turn passwordless sign-in off; its passkeys then serve as a second factor.
    if (
      !user ||
      user.disabledAt !== null ||
      !(await this.policy.get(user.accountId)).passwordlessSignIn
    ) {
      await this.audit.record({ type: 'login.failed', user, factor: FACTOR, client });
      throw refused();
    }
    const failed = () =>
      this.audit.record({ type: 'two_factor.failed', user, factor: FACTOR, client });
    const outcome = await this.lockout.attempt(user.id, async () => {
      const result = await this.passkeys.verifyPasswordless(input.response);
      // The user read by the passkey's id is the one its verified signature named.
      return result.outcome === 'accepted' && result.userId !== user.id
        ? 'invalid'
        : result.outcome;
    });
    if (outcome === 'locked') {
      await failed();
      throw new AppException(ErrorCode.TOO_MANY_ATTEMPTS, 'Too many failed attempts; try later');
    }
    if (outcome !== 'accepted') {
      await failed();
      if (outcome === 'replayed') {
        await this.audit.record({
          type: 'two_factor.replay_refused',
          user,
          factor: FACTOR,
          client,
        });
      }
      throw refused();
    }
    await this.audit.record({ type: 'login.succeeded', user, factor: FACTOR, client });
    if (!input.rememberDevice) return this.sessions.start(user, 'second_factor');
    const { token, device } = await this.devices.register(user, undefined, client);
    const session = await this.sessions.start(user, 'second_factor', device.id);
    return { ...session, deviceToken: token };
  }
}

/** Alike for an unknown passkey, a disabled user and a refused assertion (P3). */
function refused(): AppException {
  return new AppException(ErrorCode.INVALID_CREDENTIALS, 'This passkey did not sign you in');
}
