import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import type { Role } from 'src/users/user.entity';

export const JWT_ISSUER = 'gatekeeper';
export const ACCESS_AUDIENCE = 'gatekeeper:access';
export const CHALLENGE_AUDIENCE = 'gatekeeper:challenge';
const CHALLENGE_TTL_SECONDS = 10 * 60;

export interface AccessClaims {
  sub: string;
  acc: string;
  role: Role;
  /** The user's session version when minted (S4). */
  sv: number;
}

export interface ChallengeClaims {
  sub: string;
  /** The login challenge this token stands for. */
  cid: string;
}

export type BearerToken = { kind: 'access'; claims: AccessClaims } | { kind: 'challenge' };

/** S3: HS256 only, with `exp`, `iss` and `aud` always checked. */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get accessTokenTtlSeconds(): number {
    return this.config.accessTokenTtlSeconds;
  }

  signAccess(claims: AccessClaims): string {
    return this.jwt.sign(
      { ...claims, iat: this.clock.nowSeconds() },
      { audience: ACCESS_AUDIENCE, expiresIn: this.config.accessTokenTtlSeconds },
    );
  }

  /** S1: its own audience and a 10-minute life; it can never pass for an access token. */
  signChallenge(claims: ChallengeClaims): string {
    return this.jwt.sign(
      { ...claims, iat: this.clock.nowSeconds() },
      { audience: CHALLENGE_AUDIENCE, expiresIn: CHALLENGE_TTL_SECONDS },
    );
  }

  /**
   * For the global guard: a valid token of any kind, so that a challenge token presented where a
   * full session is needed can be told apart (401 TWO_FACTOR_REQUIRED) from garbage.
   */
  verifyBearer(token: string): BearerToken {
    const claims = this.verify<AccessClaims & { aud: string }>(token, [
      ACCESS_AUDIENCE,
      CHALLENGE_AUDIENCE,
    ]);
    if (claims?.aud === ACCESS_AUDIENCE) return { kind: 'access', claims };
    if (claims?.aud === CHALLENGE_AUDIENCE) return { kind: 'challenge' };
    throw new AppException(ErrorCode.UNAUTHENTICATED, 'The access token is invalid or expired');
  }

  verifyChallenge(token: string): ChallengeClaims {
    const claims = this.verify<ChallengeClaims>(token, [CHALLENGE_AUDIENCE]);
    if (!claims) {
      throw new AppException(
        ErrorCode.CHALLENGE_EXPIRED,
        'This sign-in has expired; start again with your password',
      );
    }
    return claims;
  }

  private verify<T extends object>(token: string, audience: [string, ...string[]]): T | undefined {
    try {
      return this.jwt.verify<T>(token, { audience, clockTimestamp: this.clock.nowSeconds() });
    } catch {
      return undefined;
    }
  }
}
