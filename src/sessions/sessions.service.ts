import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TokensService, type AccessClaims } from 'src/access/tokens.service';
import { Clock } from 'src/common/clock';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { LIMITS } from 'src/config/limits';
import type { User } from 'src/users/user.entity';
import { toMeDto } from 'src/users/users.dto';
import { UsersService } from 'src/users/users.service';
import type { SessionOrigin } from './refresh-token.entity';
import {
  invalidRefreshToken,
  RefreshTokensService,
  type SessionFacts,
  type SessionUser,
} from './refresh-tokens.service';
import type { SessionDto } from './sessions.dto';

/** Full sessions: minted only once every required factor has passed, and ended together. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A new session; `user` must come with its account (UsersService.findWithAccount / findByEmail).
   * A platform support person's lasts 8 hours at most (H1).
   */
  async start(user: User, origin: SessionOrigin, deviceId?: string): Promise<SessionDto> {
    const now = this.clock.now();
    const maxAgeMs = this.config.sessionMaxAgeSeconds * 1000;
    const lifetimeMs = user.platformRole
      ? Math.min(maxAgeMs, LIMITS.platformSession.lifetimeMs)
      : maxAgeMs;
    const expiresAt = new Date(now.getTime() + lifetimeMs);
    await this.users.recordSignIn(user.id, now);
    return this.mint(user, { sessionId: randomUUID(), origin, deviceId, expiresAt });
  }

  /** Rotates the refresh token; the session keeps the end its first login gave it (S6). */
  async refresh(refreshToken: string): Promise<SessionDto> {
    const consumed = await this.refreshTokens.consume(refreshToken);
    const user = await this.users.findWithAccount(consumed.userId);
    if (!user || user.disabledAt !== null || user.sessionVersion !== consumed.sessionVersion) {
      throw invalidRefreshToken();
    }
    return this.mint(user, {
      sessionId: consumed.familyId,
      origin: consumed.origin,
      deviceId: consumed.deviceId ?? undefined,
      expiresAt: consumed.expiresAt,
    });
  }

  /** What the guard reads on every request (RefreshTokensService.resume). */
  resume(claims: AccessClaims): Promise<SessionUser | null> {
    return this.refreshTokens.resume(claims);
  }

  logout(refreshToken: string): Promise<void> {
    return this.refreshTokens.revoke(refreshToken);
  }

  /** Ends one session by its id, for a holder that keeps no refresh token (the admin panel). */
  end(sessionId: string): Promise<void> {
    return this.refreshTokens.revokeFamily(sessionId);
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

  /** Marks every stored session of the user revoked, for a caller that ended them already. */
  revokeAll(userId: string): Promise<void> {
    return this.refreshTokens.revokeAllForUser(userId);
  }

  /** S6: the sessions that skipped the second factor on this device (or on any device). */
  endTrustedDeviceSessions(userId: string, deviceId?: string): Promise<void> {
    return this.refreshTokens.revokeTrustedDeviceSessions(userId, deviceId);
  }

  private async mint(user: User, session: SessionFacts): Promise<SessionDto> {
    const refreshToken = await this.refreshTokens.issue(user, session);
    return {
      status: 'authenticated',
      accessToken: this.tokens.signAccess({
        sub: user.id,
        sv: user.sessionVersion,
        mfa: session.origin !== 'password',
        sid: session.sessionId,
        did: session.deviceId,
      }),
      refreshToken,
      expiresIn: this.tokens.accessTokenTtlSeconds,
      user: toMeDto(user),
    };
  }
}
