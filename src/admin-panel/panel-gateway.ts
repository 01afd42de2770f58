import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { TokensService, type AccessClaims } from 'src/access/tokens.service';
import { ListUsersQueryDto, toAdminUserDto } from 'src/auth/admin-users.dto';
import { AuditService } from 'src/audit/audit.service';
import { AUDIT_EVENT_TYPES, ListAuditEventsQueryDto } from 'src/audit/audit.dto';
import { AccessService } from 'src/auth/access.service';
import { LoginDto } from 'src/auth/auth.dto';
import { AuthService, type LoginAnswer } from 'src/auth/auth.service';
import { TwoFactorResetService } from 'src/auth/two-factor-reset.service';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { validateBody } from 'src/common/http/validation';
import { PolicyService } from 'src/policy/policy.service';
import { type PerIpDecision, PerIpLimits } from 'src/rate-limit/per-ip-limits';
import type { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import type { TwoFactorMethod } from 'src/two-factor/factor-registry';
import { VerifyChallengeDto } from 'src/two-factor/two-factor.dto';
import { CreateUserDto } from 'src/users/users.dto';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';

/**
 * The panel's only door into the product: every check the panel relies on (password, login
 * continuation, challenge, trusted device, session, scoping, reset, policy) is the product's
 * own, called from here. When services move, this file is the one to rewrite.
 */

export type { ClientInfo };

export type PanelMethod = TwoFactorMethod;

/**
 * What a panel sign-in established: the claims of the session (refresh-token family) the
 * product's login minted, kept on the server only and resumed on every request, plus what the
 * panel shows. The session's tokens themselves are never kept or sent anywhere.
 */
export interface PanelGrant {
  claims: AccessClaims;
  email: string;
  name: string;
}

export type PasswordStep =
  | { status: 'signed_in'; grant: PanelGrant }
  | {
      status: 'code_required';
      /** The login challenge's token, sealed (AES-256-GCM): the panel stores it, never in clear. */
      challenge: string;
      method: PanelMethod;
      methods: PanelMethod[];
      emailHint?: string;
    }
  | { status: 'setup_required' };

export interface PanelUserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
  createdAt: string;
  methods: PanelMethod[];
}

export interface PanelAuditRow {
  id: string;
  type: string;
  userId: string | null;
  actorId: string | null;
  factor: string | null;
  detail: string | null;
  ip: string | null;
  createdAt: string;
}

export interface PanelPolicy {
  twoFactorRequired: boolean;
  enforced: boolean;
}

export type { Principal as PanelPrincipal };

export const AUDIT_TYPES: readonly string[] = AUDIT_EVENT_TYPES;

/** A refusal from the product, with its code and the message it would answer at the API. */
export class PanelRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

@Injectable()
export class PanelGateway {
  constructor(
    private readonly auth: AuthService,
    private readonly access: AccessService,
    private readonly reset: TwoFactorResetService,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
    private readonly perIpLimits: PerIpLimits,
    private readonly crypto: CryptoService,
  ) {}

  /** The API's login: password check (P3, audited), then trusted device, challenge or setup. */
  signInWithPassword(
    email: string,
    password: string,
    deviceToken: string | undefined,
    client: ClientInfo,
  ): Promise<PasswordStep> {
    return refusals(async () => {
      const input = await validateBody(LoginDto, { email, password });
      const user = await this.auth.validateCredentials(input.email, input.password, client);
      return this.toPasswordStep(await this.auth.continueLogin(user, deviceToken));
    });
  }

  /** The API's verify, with its per-challenge limit, account lockout and audit (B1, B2, L1). */
  verifyCode(
    challenge: string,
    code: string,
    rememberDevice: boolean,
    client: ClientInfo,
  ): Promise<{ grant: PanelGrant; deviceToken?: string }> {
    return refusals(async () => {
      const input = await validateBody(VerifyChallengeDto, {
        challengeToken: this.crypto.decrypt(challenge),
        code,
        rememberDevice,
      });
      const session = await this.auth.verifySecondFactor(input, client);
      return { grant: this.grantOf(session), deviceToken: session.deviceToken };
    });
  }

  switchMethod(
    challenge: string,
    method: PanelMethod,
  ): Promise<{ method: PanelMethod; emailHint?: string }> {
    return refusals(() => this.auth.switchMethod(this.crypto.decrypt(challenge), method));
  }

  resendCode(challenge: string): Promise<void> {
    return refusals(() => this.auth.resendCode(this.crypto.decrypt(challenge)));
  }

  /**
   * The session as the product stands now (S4, S6), exactly as the API guard resumes an access
   * token: null once it was logged out, ended everywhere, reset, past its end, or ended with
   * its trusted device, or once the user was disabled.
   */
  async resume(claims: AccessClaims): Promise<Principal | null> {
    try {
      return await this.access.resume(claims);
    } catch (error) {
      if (error instanceof AppException && error.code === ErrorCode.UNAUTHENTICATED) return null;
      throw error;
    }
  }

  /** Sign-out, or a sign-in the panel refuses (a member, no second factor): the session ends. */
  endSession(claims: AccessClaims): Promise<void> {
    return this.sessions.end(claims.sid);
  }

  /** B4 for the sign-in forms: the product's per-IP counters (shared through Redis when set). */
  allowSignInAttempt(ip: string | null): Promise<PerIpDecision> {
    return this.perIpLimits.consume('panel-sign-in', ip);
  }

  /** The account always comes from the resumed panel session, never from the request (A2). */
  listUsers(
    accountId: string,
    query: { search?: string; twoFactor?: 'enabled' | 'disabled'; page: number; limit: number },
  ): Promise<{ items: PanelUserRow[]; total: number }> {
    return refusals(async () => {
      const valid = await validateBody(ListUsersQueryDto, query);
      const page = await this.users.list(accountId, valid);
      return { items: page.users.map(toUserRow), total: page.total };
    });
  }

  /** Another account's user answers like a missing one. */
  async getUser(accountId: string, id: string): Promise<PanelUserRow | null> {
    try {
      return toUserRow(await this.users.getInAccount(accountId, id));
    } catch (error) {
      if (error instanceof AppException && error.code === ErrorCode.NOT_FOUND) return null;
      throw error;
    }
  }

  /** Validated like POST /api/admin/users; the password is hashed by the users service (P1). */
  createUser(
    accountId: string,
    input: { email: unknown; name: unknown; password: unknown; role: unknown },
  ): Promise<PanelUserRow> {
    return refusals(async () => {
      const valid = await validateBody(CreateUserDto, input);
      return toUserRow(await this.users.create(accountId, valid));
    });
  }

  /** The same reset as POST /api/admin/users/:id/two-factor/reset (A3), audited with the admin. */
  resetTwoFactor(admin: Principal, userId: string, client: ClientInfo): Promise<void> {
    return refusals(() => this.reset.resetTwoFactor(adminOnly(admin), userId, client));
  }

  async getPolicy(accountId: string): Promise<PanelPolicy> {
    return toPolicy(await this.policy.get(accountId));
  }

  async setPolicy(admin: Principal, required: boolean, client: ClientInfo): Promise<PanelPolicy> {
    return toPolicy(
      await this.policy.update(adminOnly(admin), { twoFactorRequired: required }, client),
    );
  }

  listAuditEvents(
    accountId: string,
    query: { type?: string; userId?: string; page: number; limit: number },
  ): Promise<{ items: PanelAuditRow[]; total: number }> {
    return refusals(async () => {
      const valid = await validateBody(ListAuditEventsQueryDto, query);
      return this.audit.list(accountId, valid);
    });
  }

  private toPasswordStep(answer: LoginAnswer): PasswordStep {
    if (answer.status === 'two_factor_required') {
      const { challengeToken, method, methods, emailHint } = answer;
      const challenge = this.crypto.encrypt(challengeToken);
      return { status: 'code_required', challenge, method, methods, emailHint };
    }
    if (answer.status === 'two_factor_setup_required') return { status: 'setup_required' };
    return { status: 'signed_in', grant: this.grantOf(answer) };
  }

  /**
   * The panel holds the session the login minted by its claims, read from its access token
   * (never sent anywhere); the refresh token is dropped, so only the panel can use the session
   * and only while the product honours it.
   */
  private grantOf(session: SessionDto): PanelGrant {
    const claims = this.tokens.accessClaimsOf(session.accessToken);
    return { claims, email: session.user.email, name: session.user.name };
  }
}

/** What the admin-only API routes get from the guard; only a signed-in admin with 2FA gets here. */
function adminOnly(admin: Principal): Principal {
  if (admin.role !== 'admin' || !admin.secondFactor || admin.tokenKind !== 'access') {
    throw new PanelRefusal(ErrorCode.FORBIDDEN, 'Only administrators who passed 2FA may do this');
  }
  return admin;
}

function toUserRow(user: User): PanelUserRow {
  const row = toAdminUserDto(user);
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    createdAt: new Date(row.createdAt).toISOString(),
    methods: row.twoFactor.methods,
  };
}

function toPolicy(policy: { twoFactorRequired: boolean; enforced: boolean }): PanelPolicy {
  return { twoFactorRequired: policy.twoFactorRequired, enforced: policy.enforced };
}

/** The product's refusals become PanelRefusal, so panel code never depends on its error classes. */
async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppException) throw new PanelRefusal(error.code, error.message);
    throw error;
  }
}
