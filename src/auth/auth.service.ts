import { Injectable } from '@nestjs/common';
import { AuditService } from 'src/audit/audit.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { DevicesService } from 'src/devices/devices.service';
import { PolicyService } from 'src/policy/policy.service';
import type { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import { challengeExpired, TokensService } from 'src/sessions/tokens.service';
import { ChallengesService } from 'src/two-factor/challenges.service';
import type {
  ChallengeDto,
  MethodSwitchedDto,
  VerifyChallengeDto,
} from 'src/two-factor/two-factor.dto';
import type { TwoFactorMethod } from 'src/two-factor/two-factor-method';
import { TwoFactorService } from 'src/two-factor/two-factor.service';
import { PasswordService } from 'src/users/password.service';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import type { SetupRequiredDto } from './auth.dto';

export type LoginAnswer = SessionDto | ChallengeDto | SetupRequiredDto;

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly twoFactor: TwoFactorService,
    private readonly challenges: ChallengesService,
    private readonly devices: DevicesService,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
  ) {}

  /** P3: unknown email, wrong password and disabled user cost one hash each and answer alike. */
  async validateCredentials(email: string, password: string, client: ClientInfo): Promise<User> {
    const user = await this.users.findByEmail(email);
    const matches = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !matches || !user.active) {
      await this.audit.record({ type: 'login.failed', user, client });
      throw new AppException(ErrorCode.INVALID_CREDENTIALS, 'Invalid email or password');
    }
    await this.audit.record({ type: 'login.succeeded', user, factor: 'password', client });
    return user;
  }

  /**
   * After the password: a trusted device of this user skips the second factor (D3, D5); a user
   * with methods gets a challenge; one without, under a mandatory policy, a setup token.
   */
  async continueLogin(user: User, deviceToken: string | undefined): Promise<LoginAnswer> {
    const methods = await this.twoFactor.enabledMethods(user.id);
    if (methods.length === 0) {
      if (await this.policy.isMandatory(user.accountId)) {
        return {
          status: 'two_factor_setup_required',
          setupToken: this.tokens.signSetup({ sub: user.id, sv: user.sessionVersion }),
          methods: ['email', 'totp'],
        };
      }
      return this.sessions.start(user, { secondFactor: false });
    }
    const device = deviceToken ? await this.devices.recognise(user.id, deviceToken) : null;
    if (device) return this.sessions.start(user, { secondFactor: true, deviceId: device.id });

    const started = await this.challenges.start(user, methods);
    return {
      status: 'two_factor_required',
      challengeToken: this.tokens.signChallenge({ sub: user.id, cid: started.challengeId }),
      method: started.method,
      methods: started.methods,
      emailHint: started.emailHint,
    };
  }

  /** S2: the challenge token is spent on a new session, never upgraded into one. */
  async verifySecondFactor(input: VerifyChallengeDto, client: ClientInfo): Promise<SessionDto> {
    const { user, challengeId } = await this.challengeOf(input.challengeToken);
    await this.challenges.verify(
      user,
      challengeId,
      input.code,
      input.method === 'recovery',
      client,
    );
    if (!input.rememberDevice) return this.sessions.start(user, { secondFactor: true });
    const { token, device } = await this.devices.register(user, input.deviceName, client);
    const session = await this.sessions.start(user, { secondFactor: true, deviceId: device.id });
    return { ...session, deviceToken: token };
  }

  async switchMethod(challengeToken: string, method: TwoFactorMethod): Promise<MethodSwitchedDto> {
    const { user, challengeId } = await this.challengeOf(challengeToken);
    return this.challenges.switchMethod(user.id, challengeId, method);
  }

  async resendCode(challengeToken: string): Promise<void> {
    const { user, challengeId } = await this.challengeOf(challengeToken);
    await this.challenges.resend(user.id, challengeId);
  }

  /** S4, D4: every session and trusted device of the user ends. */
  async logoutEverywhere(userId: string): Promise<void> {
    await this.sessions.endAll(userId);
    await this.devices.revokeAll(userId);
  }

  /** Other sessions and every trusted device end; the caller's session carries on (S4, D4). */
  async changePassword(
    userId: string,
    sessionId: string | undefined,
    current: string,
    next: string,
  ): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user)
      throw new AppException(ErrorCode.UNAUTHENTICATED, 'The session has ended; sign in again');
    await this.passwords.requireCurrent(user.passwordHash, current);
    await this.users.changePassword(userId, next);
    await this.sessions.endAll(userId, sessionId);
    await this.devices.revokeAll(userId);
  }

  private async challengeOf(challengeToken: string): Promise<{ user: User; challengeId: string }> {
    const claims = this.tokens.verifyChallenge(challengeToken);
    const user = await this.users.findWithAccount(claims.sub);
    if (!user || !user.active) {
      throw challengeExpired();
    }
    return { user, challengeId: claims.cid };
  }
}
