import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { LIMITS } from 'src/config/limits';

export const JWT_ISSUER = 'gatekeeper';
const ACCESS_AUDIENCE = 'gatekeeper:access';
const CHALLENGE_AUDIENCE = 'gatekeeper:challenge';
const SETUP_AUDIENCE = 'gatekeeper:setup';
const STEP_UP_AUDIENCE = 'gatekeeper:step-up';
const CHALLENGE_TTL_SECONDS = LIMITS.challenge.lifetimeMs / 1000;
const SETUP_TTL_SECONDS = LIMITS.setupToken.lifetimeMs / 1000;
const STEP_UP_TTL_SECONDS = LIMITS.stepUp.lifetimeMs / 1000;

export interface AccessClaims {
  sub: string;
  /** The user's session version when minted (S4). */
  sv: number;
  /** Whether this session passed a second factor (or a trusted device); admins need it (A4). */
  mfa: boolean;
  /** The session (refresh-token family) this token belongs to. */
  sid: string;
  /** The trusted device this session was started on or registered, if any. */
  did?: string;
}

/** A pending sign-in: the challenge (or setup) row it stands for, and the session version (S7). */
export interface PendingClaims {
  sub: string;
  sv: number;
  cid: string;
}

/** H2: a second factor given just now, by this user in this session. */
export interface StepUpClaims {
  sub: string;
  sid: string;
}

export type BearerToken =
  | { kind: 'access'; claims: AccessClaims }
  | { kind: 'setup'; claims: PendingClaims }
  | { kind: 'challenge' };

/** S3: HS256 only, with `exp`, `iss` and `aud` always checked; each kind has its own audience. */
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
    return this.sign(claims, ACCESS_AUDIENCE, this.config.accessTokenTtlSeconds);
  }

  /** S1: its own audience and a 10-minute life; it can never pass for an access token. */
  signChallenge(claims: PendingClaims): string {
    return this.sign(claims, CHALLENGE_AUDIENCE, CHALLENGE_TTL_SECONDS);
  }

  signSetup(claims: PendingClaims): string {
    return this.sign(claims, SETUP_AUDIENCE, SETUP_TTL_SECONDS);
  }

  /** H2: its own audience, 5 minutes, bound to the session that stepped up. */
  signStepUp(claims: StepUpClaims): string {
    return this.sign(claims, STEP_UP_AUDIENCE, STEP_UP_TTL_SECONDS);
  }

  /** Whether `token` proves a second factor given within 5 minutes in this very session. */
  isStepUpFor(token: string, session: StepUpClaims): boolean {
    const claims = this.verify<StepUpClaims>(token, [STEP_UP_AUDIENCE]);
    return !!claims && claims.sub === session.sub && claims.sid === session.sid;
  }

  /**
   * For the global guard: a valid token of any kind, so that a challenge or setup token
   * presented where a full session is needed can be told apart from garbage.
   */
  verifyBearer(token: string): BearerToken {
    const claims = this.verify<{ aud: string }>(token, [
      ACCESS_AUDIENCE,
      SETUP_AUDIENCE,
      CHALLENGE_AUDIENCE,
    ]);
    switch (claims?.aud) {
      case ACCESS_AUDIENCE:
        return { kind: 'access', claims: claims as unknown as AccessClaims };
      case SETUP_AUDIENCE:
        return { kind: 'setup', claims: claims as unknown as PendingClaims };
      case CHALLENGE_AUDIENCE:
        return { kind: 'challenge' };
      default:
        throw new AppException(ErrorCode.UNAUTHENTICATED, 'The access token is invalid or expired');
    }
  }

  /**
   * The claims of an access token a sign-in just minted, for holders that keep the session on
   * the server by its claims and resume it on every request (the admin panel, the pages).
   */
  accessClaimsOf(accessToken: string): AccessClaims {
    const token = this.verifyBearer(accessToken);
    if (token.kind !== 'access') throw new Error('A sign-in answered a token of another kind');
    const { sub, sv, mfa, sid, did } = token.claims;
    return { sub, sv, mfa, sid, did };
  }

  verifyChallenge(token: string): PendingClaims {
    const claims = this.verify<PendingClaims>(token, [CHALLENGE_AUDIENCE]);
    if (!claims) {
      throw challengeExpired();
    }
    return claims;
  }

  private sign(claims: object, audience: string, expiresIn: number): string {
    return this.jwt.sign({ ...claims, iat: this.clock.nowSeconds() }, { audience, expiresIn });
  }

  private verify<T extends object>(token: string, audience: [string, ...string[]]): T | undefined {
    let claims: T & { exp?: unknown };
    try {
      claims = this.jwt.verify<T>(token, { audience, clockTimestamp: this.clock.nowSeconds() });
    } catch {
      return undefined;
    }
    // jsonwebtoken checks `exp` only when the token has one: without it a token would never end.
    return typeof claims.exp === 'number' ? claims : undefined;
  }
}

/** Every way a challenge can be over answers alike: start again with the password. */
export function challengeExpired(): AppException {
  return new AppException(
    ErrorCode.CHALLENGE_EXPIRED,
    'This sign-in has expired; start again with your password',
  );
}
