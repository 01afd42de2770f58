import { Injectable } from '@nestjs/common';
import type { AuditEventType } from 'src/audit/audit-event.entity';
import { AuditService } from 'src/audit/audit.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { Transactions } from 'src/database/transactions';
import { DevicesService } from 'src/devices/devices.service';
import { PolicyService } from 'src/policy/policy.service';
import type { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import { SecondFactorLockout } from 'src/two-factor/lockout.service';
import type { PasswordlessSignInDto } from 'src/two-factor/passkey/passkey.dto';
import { PasskeyService } from 'src/two-factor/passkey/passkey.service';
import type { User } from 'src/users/user.entity';
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
    private readonly transactions: Transactions,
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
    // As at a challenge (AuthService.verifySecondFactor): the attempt, the assertion's use, its
    // audit and the session commit together; a trusted device, which mails its owner, after.
    const decided = await this.transactions.atomically(async () => {
      const refusal = await this.decide(user, input.response, client);
      if (refusal || input.rememberDevice) return { refusal };
      return { session: await this.sessions.start(user, 'second_factor') };
    });
    if (decided.refusal) throw decided.refusal;
    if (decided.session) return decided.session;
    const { token, device } = await this.devices.register(user, undefined, client);
    const session = await this.sessions.start(user, 'second_factor', device.id);
    return { ...session, deviceToken: token };
  }

  /** The refusal to answer, if any: answered rather than thrown, so that what it counted commits. */
  private async decide(
    user: User,
    response: unknown,
    client: ClientInfo,
  ): Promise<AppException | undefined> {
    const audit = (type: AuditEventType) =>
      this.audit.record({ type, user, factor: FACTOR, client });
    const outcome = await this.lockout.attempt(user.id, async () => {
      const result = await this.passkeys.verifyPasswordless(response);
      // The user read by the passkey's id is the one its verified signature named.
      return result.outcome === 'accepted' && result.userId !== user.id
        ? 'invalid'
        : result.outcome;
    });
    if (outcome === 'accepted') {
      await audit('login.succeeded');
      return undefined;
    }
    await audit('two_factor.failed');
    if (outcome === 'locked') {
      return new AppException(ErrorCode.TOO_MANY_ATTEMPTS, 'Too many failed attempts; try later');
    }
    if (outcome === 'replayed') await audit('two_factor.replay_refused');
    return refused();
  }
}

/** Alike for an unknown passkey, a disabled user and a refused assertion (P3). */
function refused(): AppException {
  return new AppException(ErrorCode.INVALID_CREDENTIALS, 'This passkey did not sign you in');
}
