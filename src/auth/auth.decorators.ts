import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import type { Role } from 'src/users/user.entity';
import type { AuthenticatedRequest, Principal } from './principal';

export const IS_PUBLIC = 'gatekeeper:public';
export const REQUIRED_ROLES = 'gatekeeper:roles';
export const SETUP_TOKEN_ALLOWED = 'gatekeeper:setup-token-allowed';
export const SECOND_FACTOR_REQUIRED = 'gatekeeper:second-factor-required';

/** Opens a route to anyone; every other route needs a full session. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a route (or a whole controller) to these roles; others get 403 FORBIDDEN. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** Also opens the route to a setup token: a user whom mandatory 2FA sends to set up a method. */
export const SetupTokenAllowed = () => SetMetadata(SETUP_TOKEN_ALLOWED, true);

/** A4: an administrator whose session passed a second factor; others get 403 SECOND_FACTOR_REQUIRED. */
export const AdminWithSecondFactor = () =>
  applyDecorators(Roles('admin'), SetMetadata(SECOND_FACTOR_REQUIRED, true));

/** The caller established by the global guard. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal)
      throw new Error('CurrentPrincipal used on a route the guard does not authenticate');
    return principal;
  },
);
