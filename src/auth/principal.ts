import type { Role } from 'src/users/user.entity';

/** Who is calling, as established by the global guard from a verified token. */
export interface Principal {
  userId: string;
  accountId: string;
  role: Role;
  /** `setup` only on routes marked @SetupTokenAllowed(): the user must still set up a method. */
  tokenKind: 'access' | 'setup';
  /** Whether this session passed a second factor (A4). */
  secondFactor: boolean;
  sessionId?: string;
  deviceId?: string;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}
