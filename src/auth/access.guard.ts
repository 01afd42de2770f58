import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { Role } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import {
  IS_PUBLIC,
  REQUIRED_ROLES,
  SECOND_FACTOR_REQUIRED,
  SETUP_TOKEN_ALLOWED,
} from './auth.decorators';
import type { AuthenticatedRequest, Principal } from './principal';
import { TokensService } from 'src/sessions/tokens.service';

/**
 * The one global guard (A1): every route needs a full session unless it opts out with a
 * decorator. A challenge token opens no route here; a setup token only the setup routes. The
 * user is re-read on each request so a bumped session version, a disabled user or a changed
 * role takes effect at once (S4).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const metadata = <T>(key: string) =>
      this.reflector.getAllAndOverride<T | undefined>(key, targets);
    if (metadata<boolean>(IS_PUBLIC)) return true;

    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const token = this.tokens.verifyBearer(bearerToken(request));
    if (
      token.kind === 'challenge' ||
      (token.kind === 'setup' && !metadata<boolean>(SETUP_TOKEN_ALLOWED))
    ) {
      throw new AppException(ErrorCode.TWO_FACTOR_REQUIRED, 'Complete the second factor first');
    }
    const user = await this.users.findById(token.claims.sub);
    if (!user || !user.active || user.sessionVersion !== token.claims.sv) {
      throw new AppException(ErrorCode.UNAUTHENTICATED, 'The session has ended; sign in again');
    }
    const principal: Principal =
      token.kind === 'access'
        ? {
            userId: user.id,
            accountId: user.accountId,
            role: user.role,
            tokenKind: 'access',
            secondFactor: token.claims.mfa,
            sessionId: token.claims.sid,
            deviceId: token.claims.did,
          }
        : {
            userId: user.id,
            accountId: user.accountId,
            role: user.role,
            tokenKind: 'setup',
            secondFactor: false,
          };
    request.principal = principal;

    const roles = metadata<Role[]>(REQUIRED_ROLES);
    if (roles && !roles.includes(user.role)) {
      throw new AppException(ErrorCode.FORBIDDEN, 'Your role does not allow this action');
    }
    if (metadata<boolean>(SECOND_FACTOR_REQUIRED) && !principal.secondFactor) {
      throw new AppException(
        ErrorCode.SECOND_FACTOR_REQUIRED,
        'Set up two-factor authentication and sign in with it to do this',
      );
    }
    return true;
  }
}

function bearerToken(request: Request): string {
  const [scheme, token] = (request.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    throw new AppException(
      ErrorCode.UNAUTHENTICATED,
      'Sign in first: send Authorization: Bearer <accessToken>',
    );
  }
  return token;
}
