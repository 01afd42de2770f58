import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { Clock } from 'src/common/clock';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { User } from 'src/users/user.entity';
import { RefreshToken, type SessionOrigin } from './refresh-token.entity';

/** What a session carries from its login into every token it mints. */
export interface SessionFacts {
  sessionId: string;
  origin: SessionOrigin;
  deviceId?: string;
  /** The session's absolute end. */
  expiresAt: Date;
}

/** S5: opaque, stored as an HMAC, single use, rotated; reuse revokes the family. */
@Injectable()
export class RefreshTokensService {
  constructor(
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
  ) {}

  async issue(user: User, session: SessionFacts): Promise<string> {
    const token = this.crypto.randomToken();
    await this.tokens.insert(
      this.tokens.create({
        userId: user.id,
        familyId: session.sessionId,
        origin: session.origin,
        deviceId: session.deviceId ?? null,
        tokenHash: this.crypto.hash(token),
        sessionVersion: user.sessionVersion,
        expiresAt: session.expiresAt,
        usedAt: null,
        revokedAt: null,
      }),
    );
    return token;
  }

  /**
   * Marks the token used with one conditional UPDATE, so of two parallel refreshes
   * exactly one wins; the loser is treated as reuse. The caller checks the session version.
   */
  async consume(token: string): Promise<RefreshToken> {
    const row = await this.tokens.findOne({ where: { tokenHash: this.crypto.hash(token) } });
    if (!row) throw invalidRefreshToken();
    const now = this.clock.now();
    if (row.usedAt || row.revokedAt) {
      await this.revokeFamily(row.familyId);
      throw invalidRefreshToken();
    }
    if (row.expiresAt <= now) throw invalidRefreshToken();
    const claimed = await this.tokens.update(
      { id: row.id, usedAt: IsNull(), revokedAt: IsNull() },
      { usedAt: now },
    );
    if (claimed.affected !== 1) {
      await this.revokeFamily(row.familyId);
      throw invalidRefreshToken();
    }
    return row;
  }

  /** Whether the session can still be used: not revoked, not past its absolute end. */
  isLive(sessionId: string): Promise<boolean> {
    return this.tokens.exists({
      where: { familyId: sessionId, revokedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
    });
  }

  /** Logout: the presented token's whole family ends. Unknown tokens are ignored. */
  async revoke(token: string): Promise<void> {
    const row = await this.tokens.findOne({ where: { tokenHash: this.crypto.hash(token) } });
    if (row) await this.revokeFamily(row.familyId);
  }

  /** Every session of the user ends, except the one named by `keepSessionId`, if any. */
  async revokeAllForUser(userId: string, keepSessionId?: string): Promise<void> {
    const builder = this.tokens
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ revokedAt: this.clock.now() })
      .where('userId = :userId AND revokedAt IS NULL', { userId });
    if (keepSessionId) builder.andWhere('familyId <> :keepSessionId', { keepSessionId });
    await builder.execute();
  }

  /** S6: sessions that skipped the second factor on these devices end with them. */
  async revokeTrustedDeviceSessions(userId: string, deviceId?: string): Promise<void> {
    await this.tokens.update(
      {
        userId,
        origin: 'trusted_device',
        revokedAt: IsNull(),
        ...(deviceId && { deviceId }),
      },
      { revokedAt: this.clock.now() },
    );
  }

  /** After a password change, the caller's own session follows the new session version. */
  async moveSession(sessionId: string, sessionVersion: number): Promise<void> {
    await this.tokens.update({ familyId: sessionId, revokedAt: IsNull() }, { sessionVersion });
  }

  /** One session (refresh-token family) ends: sign-out of a session that holds no refresh token. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }
}

export function invalidRefreshToken(): AppException {
  return new AppException(
    ErrorCode.INVALID_REFRESH_TOKEN,
    'The refresh token is invalid, used or expired',
  );
}
