import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ACCESS_RULE, type AccessRule } from 'src/access/access.decorators';
import type { AuthenticatedRequest } from 'src/access/principal';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { AccessService } from './access.service';

/**
 * The one global guard (A1): every route needs a full session unless its AccessRule says
 * otherwise; a setup token opens only the routes that allow it.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Class first, so a route's rule refines its controller's.
    const rule = this.reflector.getAllAndMerge<AccessRule>(ACCESS_RULE, [
      context.getClass(),
      context.getHandler(),
    ]);
    if (rule.public) return true;

    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const principal = await this.access.authenticate(bearerToken(request));
    if (principal.tokenKind === 'setup' && !rule.setupToken) {
      throw new AppException(ErrorCode.TWO_FACTOR_REQUIRED, 'Set up a second factor first');
    }
    request.principal = principal;
    if (rule.roles && !rule.roles.includes(principal.role)) {
      throw new AppException(ErrorCode.FORBIDDEN, 'Your role does not allow this action');
    }
    if (
      rule.platformRoles &&
      !(principal.platformRole && rule.platformRoles.includes(principal.platformRole))
    ) {
      throw new AppException(ErrorCode.FORBIDDEN, 'Only platform support staff may do this');
    }
    if (rule.secondFactor && !principal.secondFactor) {
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
