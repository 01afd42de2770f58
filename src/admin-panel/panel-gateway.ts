import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { Principal } from 'src/access/principal';
import { TokensService, type AccessClaims } from 'src/access/tokens.service';
import { ListUsersQueryDto, toAdminUserDto } from 'src/auth/admin-users.dto';
import { AuditService } from 'src/audit/audit.service';
import {
  AUDIT_EVENT_TYPES,
  ListAuditEventsQueryDto,
  type AuditEventDto,
} from 'src/audit/audit.dto';
import { AccessService } from 'src/auth/access.service';
import { LoginDto, StartStepUpDto, StepUpDto } from 'src/auth/auth.dto';
import { AuthService, type LoginAnswer } from 'src/auth/auth.service';
import { StepUpService } from 'src/auth/step-up.service';
import {
  LookupUserDto,
  SupportActionDto,
  type SupportActionResultDto,
  type SupportRequestDto,
  type SupportUserStatusDto,
} from 'src/auth/support-desk/support.dto';
import { SupportDeskService } from 'src/auth/support-desk/support-desk.service';
import { SupportApprovalsService } from 'src/auth/support-desk/support-approvals.service';
import { SupportRequestsService } from 'src/auth/support-desk/support-requests.service';
import { TwoFactorResetService } from 'src/auth/two-factor-reset.service';
import { UserStatusService } from 'src/auth/user-status.service';
import { passkeyResponseOf } from 'src/common/browser/passkey-answer';
import { Clock } from 'src/common/clock';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { PageQueryDto } from 'src/common/http/page-query.dto';
import { validateBody } from 'src/common/http/validation';
import { PolicyService } from 'src/policy/policy.service';
import { type PerIpDecision, PerIpLimits } from 'src/rate-limit/per-ip-limits';
import type { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import { TWO_FACTOR_METHODS, type TwoFactorMethod } from 'src/two-factor/factor-registry';
import { RecoveryCodesService } from 'src/two-factor/recovery/recovery-codes.service';
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

export interface PanelUsersQuery {
  search?: string;
  twoFactor?: 'enabled' | 'disabled';
  page: number;
  limit: number;
}

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
      /** `recovery` when none of the user's methods can be asked now (one turned off). */
      method: PanelMethod;
      methods: PanelMethod[];
      emailHint?: string;
      /** A passkey's request options, bound to this sign-in. */
      options?: Record<string, unknown>;
    }
  | { status: 'setup_required' };

/**
 * What answers the second step: a code (`recovery`: one of the recovery codes), or a passkey's
 * answer as the browser posted it (JSON).
 */
export type PanelAnswer = { code: string; recovery: boolean } | { response: string };

export interface PanelUserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: string;
  disabledAt: string | null;
  lastSignInAt: string | null;
  methods: PanelMethod[];
}

/** An audit event with the people it names as `Name <email>` (null: nobody, or not known). */
export interface PanelAuditRow {
  id: string;
  type: string;
  user: string | null;
  actor: string | null;
  factor: string | null;
  detail: string | null;
  /** A platform support action's reason and ticket (H4). */
  reason: string | null;
  ticket: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

export interface PanelAuditQuery {
  type?: string;
  /** The user the events are about, by their email; an email of nobody in the account matches nothing. */
  userEmail?: string;
}

/**
 * A platform support request about one of the account's users (H4): the user as `name` and
 * `email` (what the panel's confirmations name), who of support asked, what, why and until when.
 */
export interface PanelSupportRequestRow {
  id: string;
  action: string;
  /** pending, approved, refused, done, or expired (a pending or approved one past its end). */
  status: string;
  name: string;
  email: string;
  support: string;
  reason: string;
  ticket: string;
  createdAt: string;
  expiresAt: string | null;
  /** The administrator who decided, as `Name <email>` (null: undecided, or no longer here). */
  decidedBy: string | null;
  decidedAt: string | null;
  doneAt: string | null;
}

/** A row of the desk's trail; an approved request its own asker may carry out from it. */
export type PanelSupportTrailRow = SupportRequestDto & { mayCarryOut: boolean };

/**
 * The second factor a desk form carries (H2), with any of the staff member's methods: a code of
 * the authenticator app or a recovery code alone (`method`: `totp`, the default, or `recovery`),
 * or the answer (a code, or a passkey's JSON) to the step-up the desk started for the form
 * (`supportStepUpStart`).
 */
export interface PanelStepUpAnswer {
  method?: unknown;
  code?: unknown;
  stepUpId?: unknown;
  response?: unknown;
}

/** What every support action of the panel carries (H2): why, the ticket, and a fresh factor. */
export interface PanelSupportInput extends PanelStepUpAnswer {
  reason: unknown;
  ticket: unknown;
}

/** A step-up the desk started: what the form shows (a hint) or the browser answers (options). */
export interface PanelStepUpStarted {
  stepUpId: string;
  method: PanelMethod;
  hint?: string;
  options?: Record<string, unknown>;
}

export type PanelSupportAction = 'temporary_code' | 'reset' | 'end_sessions';

export type { SupportActionResultDto as PanelSupportResult };
export type { SupportUserStatusDto as PanelSupportStatus };

export interface PanelPolicy {
  twoFactorRequired: boolean;
  enforced: boolean;
  /** The platform date from which 2FA is mandatory for every account (ISO), if configured. */
  mandatoryFrom: string | null;
  /** Users who can sign in and have no method: whom a mandatory policy sends to setup. */
  withoutMethod: number;
}

/** What an administrator needs to decide on making 2FA mandatory (the panel's home). */
export interface PanelDashboard {
  policy: PanelPolicy;
  /** Users who can sign in; `byMethod` counts each method's users (a user may have several). */
  users: number;
  byMethod: { method: PanelMethod; users: number }[];
  /** The last DASHBOARD_DAYS UTC days, oldest first. */
  days: { day: string; lockouts: number; resets: number }[];
}

export const DASHBOARD_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export type { Principal as PanelPrincipal };

export const AUDIT_TYPES: readonly string[] = AUDIT_EVENT_TYPES;

/** A refusal from the product, with its code and the message it would answer at the API. */
export class PanelRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
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
    private readonly status: UserStatusService,
    private readonly supportRequests: SupportRequestsService,
    private readonly approvals: SupportApprovalsService,
    private readonly desk: SupportDeskService,
    private readonly stepUp: StepUpService,
    private readonly clock: Clock,
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
    answer: PanelAnswer,
    rememberDevice: boolean,
    client: ClientInfo,
  ): Promise<{ grant: PanelGrant; deviceToken?: string }> {
    return refusals(async () => {
      const input = await validateBody(VerifyChallengeDto, {
        challengeToken: this.crypto.decrypt(challenge),
        ...('response' in answer
          ? { response: passkeyResponseOf(answer.response) }
          : { code: answer.code, ...(answer.recovery ? { method: 'recovery' } : {}) }),
        rememberDevice,
      });
      const session = await this.auth.verifySecondFactor(input, client);
      return { grant: this.grantOf(session), deviceToken: session.deviceToken };
    });
  }

  switchMethod(
    challenge: string,
    method: PanelMethod,
  ): Promise<{ method: PanelMethod; emailHint?: string; options?: Record<string, unknown> }> {
    return refusals(async () => {
      const switched = await this.auth.switchMethod(this.crypto.decrypt(challenge), method);
      const { emailHint, challenge: prompt } = switched;
      return { method: switched.method, emailHint, options: prompt?.options };
    });
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
  listUsers(accountId: string, query: PanelUsersQuery): Promise<PanelUserRow[]> {
    return refusals(async () => {
      const valid = await validateBody(ListUsersQueryDto, query);
      return (await this.users.page(accountId, valid)).map(toUserRow);
    });
  }

  /** The list's total alone, validated as the list is. */
  countUsers(accountId: string, filter: Omit<PanelUsersQuery, 'page' | 'limit'>): Promise<number> {
    return refusals(async () => {
      const valid = await validateBody(ListUsersQueryDto, { ...filter, page: 1, limit: 1 });
      return this.users.count(accountId, valid);
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

  /** POST /api/admin/users/:id/disable: sessions end at once; refused for oneself. */
  disableUser(admin: Principal, userId: string, client: ClientInfo): Promise<void> {
    return refusals(async () => {
      await this.status.disable(adminOnly(admin), userId, client);
    });
  }

  enableUser(admin: Principal, userId: string, client: ClientInfo): Promise<void> {
    return refusals(async () => {
      await this.status.enable(adminOnly(admin), userId, client);
    });
  }

  async getPolicy(accountId: string): Promise<PanelPolicy> {
    const [policy, counts] = await Promise.all([
      this.policy.get(accountId),
      this.users.methodCounts(accountId),
    ]);
    return {
      twoFactorRequired: policy.twoFactorRequired,
      enforced: policy.enforced,
      mandatoryFrom: policy.mandatoryFrom?.toISOString() ?? null,
      withoutMethod: counts.withoutMethod,
    };
  }

  async setPolicy(admin: Principal, required: boolean, client: ClientInfo): Promise<PanelPolicy> {
    await this.policy.update(adminOnly(admin), { twoFactorRequired: required }, client);
    return this.getPolicy(admin.accountId);
  }

  async dashboard(accountId: string): Promise<PanelDashboard> {
    const today = Date.parse(this.clock.now().toISOString().slice(0, 10));
    const since = new Date(today - (DASHBOARD_DAYS - 1) * DAY_MS);
    const [policy, counts, events] = await Promise.all([
      this.getPolicy(accountId),
      this.users.methodCounts(accountId),
      this.audit.perDay(accountId, ['two_factor.locked_out', 'two_factor.reset'], since),
    ]);
    const days = Array.from({ length: DASHBOARD_DAYS }, (_, index) => ({
      day: new Date(since.getTime() + index * DAY_MS).toISOString().slice(0, 10),
      lockouts: 0,
      resets: 0,
    }));
    for (const { day, type, events: count } of events) {
      const slot = days.find((candidate) => candidate.day === day);
      if (slot && type === 'two_factor.locked_out') slot.lockouts += count;
      if (slot && type === 'two_factor.reset') slot.resets += count;
    }
    // In the registry's order (strongest first), as the users list names them.
    const byMethod = Object.entries(counts.byMethod)
      .map(([method, users]) => ({ method, users }))
      .sort((a, b) => rank(a.method) - rank(b.method));
    return { policy, users: counts.users, byMethod, days };
  }

  listAuditEvents(
    accountId: string,
    query: PanelAuditQuery & { page: number; limit: number },
  ): Promise<PanelAuditRow[]> {
    return refusals(async () => {
      const valid = await this.auditQuery(accountId, query);
      if (!valid) return [];
      return this.named(accountId, await this.audit.page(accountId, valid));
    });
  }

  countAuditEvents(accountId: string, query: PanelAuditQuery): Promise<number> {
    return refusals(async () => {
      const valid = await this.auditQuery(accountId, { ...query, page: 1, limit: 1 });
      return valid ? this.audit.count(accountId, valid) : 0;
    });
  }

  async getAuditEvent(accountId: string, id: string): Promise<PanelAuditRow | null> {
    const event = await this.audit.get(accountId, id);
    return event ? (await this.named(accountId, [event]))[0] : null;
  }

  /** GET /api/admin/support-requests: the account's, newest first (H4). */
  listSupportRequests(
    accountId: string,
    query: { page: number; limit: number },
  ): Promise<PanelSupportRequestRow[]> {
    return refusals(async () => {
      const valid = await validateBody(PageQueryDto, query);
      const { items } = await this.supportRequests.page(valid, { accountId });
      return this.namedRequests(accountId, items);
    });
  }

  async countSupportRequests(accountId: string): Promise<number> {
    return (await this.supportRequests.page({ page: 1, limit: 1 }, { accountId })).total;
  }

  /** Another account's request, or an id that is none, answers like a missing one. */
  async getSupportRequest(accountId: string, id: string): Promise<PanelSupportRequestRow | null> {
    if (!isUUID(id)) return null;
    const request = await this.supportRequests.findOne({ id, accountId });
    if (!request) return null;
    return (await this.namedRequests(accountId, [this.supportRequests.toDto(request)]))[0];
  }

  /**
   * POST /api/admin/support-requests/:id/approve or refuse: decided once by one conditional
   * UPDATE (409 SUPPORT_REQUEST_CLOSED when already decided or expired), audited and mailed.
   */
  decideSupportRequest(
    admin: Principal,
    id: string,
    verdict: 'approved' | 'refused',
    client: ClientInfo,
  ): Promise<void> {
    return refusals(async () => {
      await this.approvals.decide(adminOnly(admin), id, verdict, client);
    });
  }

  /**
   * POST /api/support/users/lookup for platform staff (H2): reason and ticket validated first
   * (a refusal there costs nothing), then the step-up, then the desk's own checks and limit.
   */
  supportLookup(
    staff: Principal,
    input: PanelSupportInput & { email: unknown },
    client: ClientInfo,
  ): Promise<SupportUserStatusDto> {
    return refusals(async () => {
      const { email, reason, ticket } = input;
      await validateBody(LookupUserDto, { email, reason, ticket, stepUpToken: UNCHECKED });
      const stepUpToken = await this.stepUpProof(staffOnly(staff), input, client);
      const valid = await validateBody(LookupUserDto, { email, reason, ticket, stepUpToken });
      return this.desk.lookup(staff, valid, client);
    });
  }

  /** POST /api/support/users/:id/temporary-code, two-factor/reset or sessions/end (H2–H4). */
  supportAct(
    staff: Principal,
    userId: unknown,
    action: PanelSupportAction,
    input: PanelSupportInput,
    client: ClientInfo,
  ): Promise<SupportActionResultDto> {
    return refusals(async () => {
      const targetId = uuidFrom(userId, 'userId');
      const { reason, ticket } = input;
      await validateBody(SupportActionDto, { reason, ticket, stepUpToken: UNCHECKED });
      const stepUpToken = await this.stepUpProof(staffOnly(staff), input, client);
      const valid = await validateBody(SupportActionDto, { reason, ticket, stepUpToken });
      return this.desk.act(staff, targetId, action, valid, client);
    });
  }

  /**
   * POST /api/support/requests/:id/carry-out (H4): an action an account's administrator approved,
   * carried out once by the staff member who asked, with a fresh second factor.
   */
  supportCarryOut(
    staff: Principal,
    requestId: unknown,
    answer: PanelStepUpAnswer,
    client: ClientInfo,
  ): Promise<SupportActionResultDto> {
    return refusals(async () => {
      const id = uuidFrom(requestId, 'requestId');
      const stepUpToken = await this.stepUpProof(staffOnly(staff), answer, client);
      return this.desk.carryOut(staff, id, stepUpToken, client);
    });
  }

  /** GET /api/support/requests: the platform's trail, every account's, newest first (H4). */
  async supportTrail(staff: Principal): Promise<PanelSupportTrailRow[]> {
    staffOnly(staff);
    const { items } = await this.supportRequests.page({ page: 1, limit: SUPPORT_TRAIL_ROWS });
    return items.map((row) => ({
      ...row,
      mayCarryOut: row.status === 'approved' && row.supportUserId === staff.userId,
    }));
  }

  /**
   * The staff member's methods in force, strongest first, then recovery codes while one is left:
   * what the desk's forms offer (H2).
   */
  async supportStepUpMethods(staff: Principal): Promise<PanelMethod[]> {
    const factors = await this.stepUp.factorsOf(staffOnly(staff));
    return factors.sort((a, b) => rank(a) - rank(b));
  }

  /**
   * POST /api/auth/step-up/start for a desk form, with any of the staff member's methods: it
   * sends an email code, or answers the passkey's request options; the form's action answers it.
   * Counted in that route's per-address limit (B4), as it sends mail.
   */
  supportStepUpStart(
    staff: Principal,
    method: unknown,
    client: ClientInfo,
  ): Promise<PanelStepUpStarted> {
    return refusals(async () => {
      await this.perIpLimits.take('method', client.ip);
      const input = await validateBody(StartStepUpDto, { method });
      const started = await this.stepUp.start(staffOnly(staff), input.method);
      const { hint, options } = started.challenge ?? {};
      return { stepUpId: started.stepUpId, method: started.method, hint, options };
    });
  }

  /**
   * H2 in the panel: the product's step-up inside the panel's session, its proof used at once.
   * The answer to the step-up the desk started, or a code of the authenticator app or a recovery
   * code alone (started and answered here at once: these need nothing sent or signed first).
   */
  private async stepUpProof(
    staff: Principal,
    answer: PanelStepUpAnswer,
    client: ClientInfo,
  ): Promise<string> {
    const { stepUpId, method, code, response } = answer;
    if (stepUpId !== undefined) {
      const input = await validateBody(StepUpDto, {
        stepUpId,
        method,
        code,
        response: typeof response === 'string' ? passkeyResponseOf(response) : response,
      });
      return (await this.stepUp.verify(staff, input, client)).stepUpToken;
    }
    const alone = method ?? APP_CODE;
    if (alone !== APP_CODE && alone !== RECOVERY_CODE) {
      throw new AppException(
        ErrorCode.VALIDATION_FAILED,
        'method must be totp or recovery for a code alone; other methods answer a step-up (stepUpId)',
      );
    }
    if (typeof code !== 'string' || !code.trim()) {
      throw new AppException(
        ErrorCode.VALIDATION_FAILED,
        'code must be a current code of your authenticator app or a recovery code, or stepUpId the answer of a step-up',
      );
    }
    const started = await this.stepUp.start(staff, alone);
    return (await this.stepUp.verify(staff, { stepUpId: started.stepUpId, code }, client))
      .stepUpToken;
  }

  /** The user a request is about and the administrator who decided, read once per page. */
  private async namedRequests(
    accountId: string,
    requests: SupportRequestDto[],
  ): Promise<PanelSupportRequestRow[]> {
    const ids = requests.flatMap(({ targetUserId, decidedBy }) =>
      decidedBy ? [targetUserId, decidedBy] : [targetUserId],
    );
    const people = await this.users.namesOf(accountId, [...new Set(ids)]);
    const person = (id: string | null) => people.find((candidate) => candidate.id === id);
    const decider = (id: string | null) => {
      const found = person(id);
      return found ? `${found.name} <${found.email}>` : null;
    };
    return requests.map((request) => ({
      id: request.id,
      action: request.action,
      status: request.status,
      name: person(request.targetUserId)?.name ?? '',
      email: person(request.targetUserId)?.email ?? '',
      support: request.supportEmail,
      reason: request.reason,
      ticket: request.ticket,
      createdAt: request.createdAt.toISOString(),
      expiresAt: request.expiresAt?.toISOString() ?? null,
      decidedBy: decider(request.decidedBy),
      decidedAt: request.decidedAt?.toISOString() ?? null,
      doneAt: request.doneAt?.toISOString() ?? null,
    }));
  }

  /** Validated as the API's query is; null when the email names nobody in the account. */
  private async auditQuery(
    accountId: string,
    query: PanelAuditQuery & { page: number; limit: number },
  ): Promise<ListAuditEventsQueryDto | null> {
    const { userEmail, ...rest } = query;
    const valid = await validateBody(ListAuditEventsQueryDto, rest);
    if (userEmail === undefined) return valid;
    if (userEmail.length > 254) {
      throw new AppException(
        ErrorCode.VALIDATION_FAILED,
        'userEmail must be at most 254 characters',
      );
    }
    const user = await this.users.findInAccountByEmail(accountId, userEmail);
    return user ? { ...valid, userId: user.id } : null;
  }

  /** The people an event names, by name and email, read once per page. */
  private async named(accountId: string, events: AuditEventDto[]): Promise<PanelAuditRow[]> {
    const ids = [...new Set(events.flatMap((event) => [event.userId, event.actorId]))];
    const people = await this.users.namesOf(
      accountId,
      ids.filter((id): id is string => id !== null),
    );
    const label = (id: string | null) => {
      if (id === null) return null;
      const person = people.find((candidate) => candidate.id === id);
      return person ? `${person.name} <${person.email}>` : null;
    };
    return events.map((event) => ({
      id: event.id,
      type: event.type,
      user: label(event.userId),
      actor: label(event.actorId),
      factor: event.factor,
      detail: event.detail,
      reason: event.reason,
      ticket: event.ticket,
      ip: event.ip,
      userAgent: event.userAgent,
      createdAt: event.createdAt,
    }));
  }

  private toPasswordStep(answer: LoginAnswer): PasswordStep {
    if (answer.status === 'two_factor_required') {
      const { challengeToken, method, methods, emailHint } = answer;
      const challenge = this.crypto.encrypt(challengeToken);
      const options = answer.challenge?.options;
      return { status: 'code_required', challenge, method, methods, emailHint, options };
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

/** What a desk form's second factor may be without a step-up started first (`stepUpProof`). */
const APP_CODE = 'totp';
const RECOVERY_CODE = RecoveryCodesService.method;

/** A method's place in the registry; one it does not know (any more) comes last. */
function rank(method: string): number {
  const index = TWO_FACTOR_METHODS.indexOf(method);
  return index === -1 ? TWO_FACTOR_METHODS.length : index;
}

/** An id from a desk form: a UUID, or a 400 naming its field. */
function uuidFrom(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isUUID(value)) {
    throw new AppException(ErrorCode.VALIDATION_FAILED, `${field} must be a UUID`);
  }
  return value;
}

/** Stands in for the step-up proof while reason and ticket are validated, before the step-up. */
const UNCHECKED = 'unchecked';
const SUPPORT_TRAIL_ROWS = 50;

/** What the /api/support routes get from the guard: platform staff who passed a second factor (H1). */
function staffOnly(staff: Principal): Principal {
  if (!staff.platformRole || !staff.secondFactor || staff.tokenKind !== 'access') {
    throw new PanelRefusal(ErrorCode.FORBIDDEN, 'Only platform support staff may do this');
  }
  return staff;
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
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
    methods: row.twoFactor.methods,
  };
}

/** The product's refusals become PanelRefusal, so panel code never depends on its error classes. */
async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppException) {
      throw new PanelRefusal(error.code, error.message, error.details);
    }
    throw error;
  }
}
