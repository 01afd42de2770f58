import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from 'src/users/user.entity';
import type { AuthenticatedRequest, Principal } from './principal';

export const IS_PUBLIC = 'gatekeeper:public';
export const REQUIRED_ROLES = 'gatekeeper:roles';

/** Opens a route to anyone; every other route needs a full session. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a route (or a whole controller) to these roles; others get 403 FORBIDDEN. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The caller established by the global guard. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal)
      throw new Error('CurrentPrincipal used on a route the guard does not authenticate');
    return principal;
  },
);
