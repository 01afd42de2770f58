import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { User } from 'src/users/user.entity';
import { toMeDto, UsersService } from 'src/users/users.service';
import {
  invalidRefreshToken,
  RefreshTokensService,
  type SessionFacts,
} from './refresh-tokens.service';
import type { SessionDto } from './sessions.dto';
import { TokensService } from './tokens.service';

/** Full sessions: minted only once every required factor has passed, and ended together. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly refreshTokens: RefreshTokensService,
  ) {}

  /** `user` must come with its account (UsersService.findWithAccount / findByEmail). */
  async start(
    user: User,
    facts: Omit<SessionFacts, 'sessionId'> & { sessionId?: string },
  ): Promise<SessionDto> {
    const session: SessionFacts = { ...facts, sessionId: facts.sessionId ?? randomUUID() };
    const refreshToken = await this.refreshTokens.issue(user, session);
    return {
      status: 'authenticated',
      accessToken: this.tokens.signAccess({
        sub: user.id,
        acc: user.accountId,
        role: user.role,
        sv: user.sessionVersion,
        mfa: session.secondFactor,
        sid: session.sessionId,
        did: session.deviceId,
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
    return this.start(user, {
      sessionId: consumed.familyId,
      secondFactor: consumed.secondFactor,
      deviceId: consumed.deviceId ?? undefined,
    });
  }

  logout(refreshToken: string): Promise<void> {
    return this.refreshTokens.revoke(refreshToken);
  }

  /**
   * S4: every access and refresh token of the user stops working at once. With `keepSessionId`
   * that one session survives (a password change keeps the caller signed in).
   */
  async endAll(userId: string, keepSessionId?: string): Promise<void> {
    const sessionVersion = await this.users.bumpSessionVersion(userId);
    await this.refreshTokens.revokeAllForUser(userId, keepSessionId);
    if (keepSessionId) await this.refreshTokens.moveSession(keepSessionId, sessionVersion);
  }
}
