import type { Role } from 'src/users/user.entity';

/** Who is calling, as established by the global guard from a verified access token. */
export interface Principal {
  userId: string;
  accountId: string;
  role: Role;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}
