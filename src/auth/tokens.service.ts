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

export interface AccessClaims {
  sub: string;
  acc: string;
  role: Role;
  /** The user's session version when minted (S4). */
  sv: number;
}

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

  verifyAccess(token: string): AccessClaims {
    try {
      return this.jwt.verify<AccessClaims>(token, {
        audience: ACCESS_AUDIENCE,
        clockTimestamp: this.clock.nowSeconds(),
      });
    } catch {
      throw new AppException(ErrorCode.UNAUTHENTICATED, 'The access token is invalid or expired');
    }
  }
}
