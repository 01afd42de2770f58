import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { TokensService, type AccessClaims } from 'src/access/tokens.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { PolicyService } from 'src/policy/policy.service';
import type { SessionUser } from 'src/sessions/refresh-tokens.service';
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
   * A challenge token opens nothing (S1); an access token is resumed as its session stands now;
   * a setup token only while its sign-in is still pending (S7).
   */
  async authenticate(bearer: string): Promise<Principal> {
    const token = this.tokens.verifyBearer(bearer);
    if (token.kind === 'challenge') {
      throw new AppException(ErrorCode.TWO_FACTOR_REQUIRED, 'Complete the second factor first');
    }
    if (token.kind === 'access') return this.resume(token.claims);
    const [user, pending] = await Promise.all([
      this.users.findWithAccount(token.claims.sub),
      this.challenges.isPending(token.claims.cid),
    ]);
    if (!pending) throw setupSpent();
    if (!isCurrent(user, token.claims.sv)) throw sessionEnded();
    return {
      ...principalOf({ ...user, accountName: user.account!.name }),
      tokenKind: 'setup',
      secondFactor: false,
      sessionId: token.claims.cid,
    };
  }

  /**
   * A full session from its claims (an access token's, or those the admin panel keeps). The
   * user is re-read so a bumped session version, a disabled user or a changed role takes
   * effect at once (S4), and the session must still be live: not logged out, not past its end,
   * not ended with the trusted device it skipped the second factor on (S6). One statement
   * decides both (SessionsService.resume).
   */
  async resume(session: AccessClaims): Promise<Principal> {
    const user = await this.sessions.resume(session);
    if (!user) throw sessionEnded();
    return {
      ...principalOf(user),
      tokenKind: 'access',
      secondFactor: session.mfa,
      sessionId: session.sid,
      deviceId: session.did,
    };
  }

  /**
   * A1: 2FA is mandatory for this user and none of `methods` is left to satisfy it. Platform
   * staff always need a method (H1), whatever their account's policy.
   */
  async lacksRequiredMethod(user: User, methods: readonly string[]): Promise<boolean> {
    if (methods.length > 0) return false;
    return !!user.platformRole || (await this.policy.isMandatory(user.accountId));
  }
}

function isCurrent(user: User | null, sessionVersion: number): user is User {
  return !!user && user.disabledAt === null && user.sessionVersion === sessionVersion;
}

function principalOf(user: SessionUser) {
  return {
    userId: user.id,
    accountId: user.accountId,
    role: user.role,
    platformRole: user.platformRole,
    email: user.email,
    name: user.name,
    accountName: user.accountName,
  };
}

function sessionEnded(): AppException {
  return new AppException(ErrorCode.UNAUTHENTICATED, 'The session has ended; sign in again');
}
