import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { Role } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import { IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';
import type { AuthenticatedRequest } from './principal';
import { TokensService } from './tokens.service';

/**
 * The one global guard (A1): every route needs a full session unless it opts out with a
 * decorator. The user is re-read on each request so a bumped session version, a disabled
 * user or a changed role takes effect at once.
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
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const token = this.tokens.verifyBearer(bearerToken(request));
    if (token.kind !== 'access') {
      throw new AppException(ErrorCode.TWO_FACTOR_REQUIRED, 'Complete the second factor first');
    }
    const claims = token.claims;
    const user = await this.users.findById(claims.sub);
    if (!user || !user.active || user.sessionVersion !== claims.sv) {
      throw new AppException(ErrorCode.UNAUTHENTICATED, 'The session has ended; sign in again');
    }
    request.principal = { userId: user.id, accountId: user.accountId, role: user.role };

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.includes(user.role)) {
      throw new AppException(ErrorCode.FORBIDDEN, 'Your role does not allow this action');
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
