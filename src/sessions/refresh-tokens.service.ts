import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Clock } from 'src/common/clock';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { sqlAffected, sqlDate, sqlRows } from 'src/database/sql';
import type { AccessClaims } from 'src/access/tokens.service';
import type { PlatformRole, Role } from 'src/access/principal';
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

/** A live session's user, as `resume` reads it. */
export interface SessionUser {
  id: string;
  accountId: string;
  role: Role;
  platformRole: PlatformRole | null;
  email: string;
  name: string;
  accountName: string;
}

/*
 * S8: a session (refresh-token family) is revoked once any of its rows is. Revoking marks the
 * rows that exist; a refresh in flight may still insert a fresh row after that, but the marked
 * ones condemn it, so no token issued for the family is accepted whichever request ran first.
 * Nothing deletes a family's rows, so the mark is never lost.
 */
const FAMILY_REVOKED = `EXISTS (SELECT 1 FROM refresh_tokens r
  WHERE r.familyId = t.familyId AND r.revokedAt IS NOT NULL)`;

/**
 * Every authenticated request runs this, so it is one statement: the user (still active, same
 * session version) with its account, if its session is neither revoked nor past its end.
 */
const RESUME_SQL = `SELECT u.id, u.accountId, u.role, u.platformRole, u.email, u.name, a.name AS accountName
  FROM users u INNER JOIN accounts a ON a.id = u.accountId
  WHERE u.id = ? AND u.disabledAt IS NULL AND u.sessionVersion = ?
    AND EXISTS (SELECT 1 FROM refresh_tokens t
      WHERE t.familyId = ? AND t.userId = u.id AND t.expiresAt > ? AND NOT ${FAMILY_REVOKED})`;

/** The presented token's row, and whether its family has been revoked. */
const FIND_SQL = `SELECT t.id, t.userId, t.familyId, t.origin, t.deviceId, t.sessionVersion,
    t.expiresAt, t.usedAt IS NOT NULL AS used, ${FAMILY_REVOKED} AS familyRevoked
  FROM refresh_tokens t WHERE t.tokenHash = ?`;

/** A refresh token as `consume` hands it on: what the new token of its family copies. */
export interface ConsumedToken {
  userId: string;
  familyId: string;
  origin: SessionOrigin;
  deviceId: string | null;
  sessionVersion: number;
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
    // Every sign-in writes one, so the statement is hand-written (database/sql.ts).
    await sqlAffected(
      this.tokens.manager,
      `INSERT INTO refresh_tokens
        (id, userId, familyId, origin, deviceId, tokenHash, sessionVersion, expiresAt)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        randomUUID(),
        user.id,
        session.sessionId,
        session.origin,
        session.deviceId ?? null,
        this.crypto.hash(token),
        user.sessionVersion,
        session.expiresAt,
      ],
    );
    return token;
  }

  /**
   * Marks the token used with one conditional UPDATE, so of two parallel refreshes exactly one
   * wins; the loser is treated as reuse and revokes the family, which also condemns the token
   * the winner is about to insert (S8). The caller checks the session version.
   */
  async consume(token: string): Promise<ConsumedToken> {
    const [row] = await sqlRows<
      ConsumedToken & { id: string; used: number; familyRevoked: number }
    >(this.tokens.manager, FIND_SQL, [this.crypto.hash(token)]);
    if (!row || row.familyRevoked) throw invalidRefreshToken();
    if (row.used) {
      await this.revokeFamily(row.familyId);
      throw invalidRefreshToken();
    }
    const now = this.clock.now();
    const expiresAt = sqlDate(row.expiresAt);
    if (expiresAt <= now) throw invalidRefreshToken();
    const claimed = await sqlAffected(
      this.tokens.manager,
      'UPDATE refresh_tokens SET usedAt = ? WHERE id = ? AND usedAt IS NULL AND revokedAt IS NULL',
      [now, row.id],
    );
    if (claimed !== 1) {
      await this.revokeFamily(row.familyId);
      throw invalidRefreshToken();
    }
    return {
      userId: row.userId,
      familyId: row.familyId,
      origin: row.origin,
      deviceId: row.deviceId,
      sessionVersion: Number(row.sessionVersion),
      expiresAt,
    };
  }

  /**
   * The user of an access token's session as it stands now, or null once the session has ended
   * (S4, S6): a bumped session version, a disabled user, a revoked or expired session.
   */
  async resume(claims: AccessClaims): Promise<SessionUser | null> {
    const [user] = await sqlRows<SessionUser>(this.tokens.manager, RESUME_SQL, [
      claims.sub,
      claims.sv,
      claims.sid,
      this.clock.now(),
    ]);
    return user ?? null;
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
