export const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

/**
 * H1: roles above accounts, for the platform's support staff; granted only by the operator's CLI.
 * `privileged-support` may also act on account administrators and on platform staff.
 */
export const PLATFORM_ROLES = ['support', 'privileged-support'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

/** Who is calling, as established by the global guard from a verified token. */
export interface Principal {
  userId: string;
  accountId: string;
  role: Role;
  /** Null for everyone but the platform's support staff (H1). */
  platformRole: PlatformRole | null;
  /** `setup` only on routes that allow a setup token: the user must still set up a method. */
  tokenKind: 'access' | 'setup';
  /** Whether this session passed a second factor (A4). */
  secondFactor: boolean;
  /** The session (refresh-token family) of an access token; the pending sign-in of a setup token. */
  sessionId: string;
  deviceId?: string;
  /** The profile as the guard read it for this request, so `GET /api/me` reads nothing more. */
  email: string;
  name: string;
  accountName: string;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}
