import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { TokensService } from 'src/access/tokens.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { PolicyService } from 'src/policy/policy.service';
import { SessionsService } from 'src/sessions/sessions.service';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import { ChallengesService, setupSpent } from './challenges.service';

/**
 * Who a token stands for, for the global guard and the admin panel alike, and the one place
 * that decides whether mandatory 2FA sends a user to set up a method.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly tokens: TokensService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly policy: PolicyService,
    private readonly challenges: ChallengesService,
  ) {}

  /**
   * A challenge token opens nothing (S1). The user is re-read on each request so a bumped
   * session version, a disabled user or a changed role takes effect at once (S4), and an
   * access token's session must still be live (logout, a removed trusted device: S6), and a
   * setup token's sign-in still pending (S7).
   */
  async authenticate(bearer: string): Promise<Principal> {
    const token = this.tokens.verifyBearer(bearer);
    if (token.kind === 'challenge') {
      throw new AppException(ErrorCode.TWO_FACTOR_REQUIRED, 'Complete the second factor first');
    }
    const [user, live] = await Promise.all([
      this.users.findById(token.claims.sub),
      token.kind === 'access'
        ? this.sessions.isLive(token.claims.sid)
        : this.challenges.isPending(token.claims.cid),
    ]);
    if (token.kind === 'setup' && !live) throw setupSpent();
    if (!user || !user.active || user.sessionVersion !== token.claims.sv || !live) {
      throw new AppException(ErrorCode.UNAUTHENTICATED, 'The session has ended; sign in again');
    }
    const principal = { userId: user.id, accountId: user.accountId, role: user.role };
    return token.kind === 'access'
      ? {
          ...principal,
          tokenKind: 'access',
          secondFactor: token.claims.mfa,
          sessionId: token.claims.sid,
          deviceId: token.claims.did,
        }
      : { ...principal, tokenKind: 'setup', secondFactor: false, sessionId: token.claims.cid };
  }

  /** A1: 2FA is mandatory for this user and none of `methods` is left to satisfy it. */
  async lacksRequiredMethod(user: User, methods: readonly string[]): Promise<boolean> {
    return methods.length === 0 && (await this.policy.isMandatory(user.accountId));
  }
}
