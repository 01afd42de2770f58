import { Injectable } from '@nestjs/common';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
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
  ) {}

  /** P3: unknown email, wrong password and disabled user cost one hash each and answer alike. */
  async validateCredentials(email: string, password: string): Promise<User> {
    const user = await this.users.findByEmail(email);
    const matches = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !matches || !user.active) {
      throw new AppException(ErrorCode.INVALID_CREDENTIALS, 'Invalid email or password');
    }
    return user;
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
    const user = await this.users.findById(consumed.userId);
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
}
