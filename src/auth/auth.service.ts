import { Injectable } from '@nestjs/common';
import { AuditService } from 'src/audit/audit.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { ChallengesService } from 'src/two-factor/challenges.service';
import type { ChallengeDto, MethodSwitchedDto } from 'src/two-factor/two-factor.dto';
import type { TwoFactorMethod } from 'src/two-factor/two-factor-method';
import { TwoFactorService } from 'src/two-factor/two-factor.service';
import { PasswordService } from 'src/users/password.service';
import type { User } from 'src/users/user.entity';
import { toMeDto, UsersService } from 'src/users/users.service';
import type { SessionDto } from './auth.dto';
import { invalidRefreshToken, RefreshTokensService } from './refresh-tokens.service';
import { TokensService } from './tokens.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly tokens: TokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly twoFactor: TwoFactorService,
    private readonly challenges: ChallengesService,
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

  /** After the password: the full session only when the user has no second factor. */
  async continueLogin(user: User): Promise<SessionDto | ChallengeDto> {
    const methods = await this.twoFactor.enabledMethods(user.id);
    if (methods.length === 0) return this.startSession(user);
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
  async verifySecondFactor(
    challengeToken: string,
    code: string,
    client: ClientInfo,
  ): Promise<SessionDto> {
    const { user, challengeId } = await this.challengeOf(challengeToken);
    await this.challenges.verify(user, challengeId, code, client);
    return this.startSession(user);
  }

  async switchMethod(challengeToken: string, method: TwoFactorMethod): Promise<MethodSwitchedDto> {
    const { user, challengeId } = await this.challengeOf(challengeToken);
    return this.challenges.switchMethod(user.id, challengeId, method);
  }

  async resendCode(challengeToken: string): Promise<void> {
    const { user, challengeId } = await this.challengeOf(challengeToken);
    await this.challenges.resend(user.id, challengeId);
  }

  /** The full session; only ever called once every required factor has passed. */
  async startSession(user: User, familyId?: string): Promise<SessionDto> {
    const refreshToken = await this.refreshTokens.issue(user, familyId);
    return {
      status: 'authenticated',
      accessToken: this.tokens.signAccess({
        sub: user.id,
        acc: user.accountId,
        role: user.role,
        sv: user.sessionVersion,
      }),
      refreshToken,
      expiresIn: this.tokens.accessTokenTtlSeconds,
      user: toMeDto(user),
    };
  }

  async refresh(refreshToken: string): Promise<SessionDto> {
    const consumed = await this.refreshTokens.consume(refreshToken);
    const user = await this.users.findWithAccount(consumed.userId);
    if (!user || !user.active || user.sessionVersion !== consumed.sessionVersion) {
      throw invalidRefreshToken();
    }
    return this.startSession(user, consumed.familyId);
  }

  logout(refreshToken: string): Promise<void> {
    return this.refreshTokens.revoke(refreshToken);
  }

  async logoutEverywhere(userId: string): Promise<void> {
    await this.users.bumpSessionVersion(userId);
    await this.refreshTokens.revokeAllForUser(userId);
  }

  private async challengeOf(challengeToken: string): Promise<{ user: User; challengeId: string }> {
    const claims = this.tokens.verifyChallenge(challengeToken);
    const user = await this.users.findWithAccount(claims.sub);
    if (!user || !user.active) {
      throw new AppException(
        ErrorCode.CHALLENGE_EXPIRED,
        'This sign-in has expired; start again with your password',
      );
    }
    return { user, challengeId: claims.cid };
  }
}
