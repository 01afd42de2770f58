import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { AuthenticatedRequest, PlatformRole, Principal, Role } from './principal';

export const ACCESS_RULE = 'gatekeeper:access';

/** Who may call a route; read by the one global guard. Every route is closed unless it says otherwise. */
export interface AccessRule {
  public?: boolean;
  /** Others get 403 FORBIDDEN. */
  roles?: Role[];
  /** H1: only platform staff with one of these roles; others get 403 FORBIDDEN. */
  platformRoles?: PlatformRole[];
  /** A4: the session must have passed a second factor; others get 403 SECOND_FACTOR_REQUIRED. */
  secondFactor?: boolean;
  /** Also open to a setup token: a user whom mandatory 2FA sends to set up a method. */
  setupToken?: boolean;
}

/** Opens a route to anyone. */
export const Public = () => SetMetadata<string, AccessRule>(ACCESS_RULE, { public: true });

/**
 * A full session (or what `rule` allows) on a route or a whole controller; a route's rule
 * refines its controller's. Also documents the bearer token in OpenAPI.
 */
export const Authenticated = (rule: Omit<AccessRule, 'public'> = {}) =>
  applyDecorators(SetMetadata<string, AccessRule>(ACCESS_RULE, rule), ApiBearerAuth());

/** The caller established by the global guard. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal)
      throw new Error('CurrentPrincipal used on a route the guard does not authenticate');
    return principal;
  },
);
