import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import type { AuditEventType } from 'src/audit/audit-event.entity';
import { AuditService } from 'src/audit/audit.service';
import { challengeExpired } from 'src/access/tokens.service';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { validateBody } from 'src/common/http/validation';
import { LIMITS } from 'src/config/limits';
import { sqlAffected, sqlRows } from 'src/database/sql';
import { joinAmbient } from 'src/database/transactions';
import { MailService } from 'src/mail/mail.service';
import {
  codeAlreadyUsed,
  codeExpired,
  invalidCode,
} from 'src/two-factor/email/one-time-codes.service';
import { CodeDto } from 'src/two-factor/method-payloads.dto';
import { FactorRegistry, methodsOf, type TwoFactorMethod } from 'src/two-factor/factor-registry';
import { SecondFactorLockout } from 'src/two-factor/lockout.service';
import { MethodPreferenceService } from 'src/two-factor/method-preference.service';
import type { ChallengeAnswer, ChallengePrompt } from 'src/two-factor/second-factor';
import { promptFields, type MethodSwitchedDto } from 'src/two-factor/two-factor.dto';
import { TemporaryAccessCodesService } from 'src/two-factor/temporary/temporary-access-codes.service';
import type { User } from 'src/users/user.entity';
import { LoginChallenge } from './login-challenge.entity';

const { maxFailures } = LIMITS.challenge;

/** A setup sign-in's `method` when a temporary access code opened it (setups have none else). */
const TEMPORARY_ACCESS = TemporaryAccessCodesService.method;

type OpenChallenge = Pick<LoginChallenge, 'method'>;

/** An answer's fate: the method that accepted it, or the refusal to answer. */
export type Verdict = { accepted: string; refusal?: never } | { refusal: AppException };

export interface ChallengeStarted {
  challengeId: string;
  method: TwoFactorMethod;
  methods: TwoFactorMethod[];
  /** What the asked method needs shown or answered (ChallengeDto.challenge). */
  prompt?: ChallengePrompt;
}

/** The second step of login: one challenge per correct password, one code to pass it. */
@Injectable()
export class ChallengesService {
  constructor(
    @InjectRepository(LoginChallenge) private readonly challenges: Repository<LoginChallenge>,
    private readonly factors: FactorRegistry,
    private readonly lockout: SecondFactorLockout,
    private readonly preferences: MethodPreferenceService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Asks for the method last used successfully; it sends what it needs (an email code). A method
   * the user holds but configuration turned off since (passkeys without a relying party) is not
   * offered; with none left, the challenge asks for a recovery code, as the help page advises.
   */
  async start(user: User, held: TwoFactorMethod[]): Promise<ChallengeStarted> {
    const methods = held.filter((name) => this.factors.find(name));
    const lastUsed = await this.preferences.lastUsed(user.id);
    const method =
      lastUsed && methods.includes(lastUsed)
        ? lastUsed
        : (methods[0] ?? this.factors.recovery.name);
    const challengeId = await this.open(user.id, method, LIMITS.challenge.lifetimeMs);
    const prompt = await this.factors.factor(method).start(user.id, challengeId);
    return { challengeId, method, methods, prompt };
  }

  /**
   * H2: a step-up asks the method the caller chose, among theirs, or a recovery code while they
   * have one left (nothing is sent for it); answered like a login's challenge, under the same
   * limits.
   */
  async startWith(user: User, method: TwoFactorMethod): Promise<ChallengeStarted> {
    const held =
      method === this.factors.recovery.name
        ? await this.hasRecoveryCodeLeft(user.id)
        : methodsOf(user).includes(method);
    if (!held) {
      throw new AppException(
        ErrorCode.METHOD_NOT_ENABLED,
        `The ${method} method is not set up for this user`,
      );
    }
    const challengeId = await this.open(user.id, method, LIMITS.challenge.lifetimeMs);
    const prompt = await this.factors.factor(method).start(user.id, challengeId);
    return { challengeId, method, methods: methodsOf(user), prompt };
  }

  /** What a step-up can ask the user for: their methods, then a recovery code while one is left. */
  async stepUpFactors(user: User): Promise<TwoFactorMethod[]> {
    return (await this.hasRecoveryCodeLeft(user.id))
      ? [...methodsOf(user), this.factors.recovery.name]
      : methodsOf(user);
  }

  private async hasRecoveryCodeLeft(userId: string): Promise<boolean> {
    return (await this.factors.recovery.remaining(userId)) > 0;
  }

  /**
   * A setup token's pending sign-in: completed once, by the first method it turns on. Answers
   * the methods that can be set up, alphabetical as the contract has always listed them.
   */
  async startSetup(
    userId: string,
    openedBy: typeof TEMPORARY_ACCESS | null = null,
  ): Promise<{ challengeId: string; methods: TwoFactorMethod[] }> {
    const challengeId = await this.open(userId, openedBy, LIMITS.setupToken.lifetimeMs);
    return { challengeId, methods: [...this.factors.names].sort() };
  }

  /**
   * H3: whether a setup token's sign-in was opened by a temporary access code, which sets up a
   * new method beside the ones the user lost (other setup tokens are for users without one).
   */
  openedByTemporaryCode(challengeId: string): Promise<boolean> {
    return this.challenges.exists({
      where: { id: challengeId, method: TEMPORARY_ACCESS, completedAt: IsNull() },
    });
  }

  /** Whether a setup token's sign-in is still waiting for its first method. */
  isPending(challengeId: string): Promise<boolean> {
    return this.challenges.exists({
      where: { id: challengeId, completedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
    });
  }

  /** "Use another authentication method"; never a way around the resend cooldown. */
  async switchMethod(
    user: User,
    challengeId: string,
    method: TwoFactorMethod,
  ): Promise<MethodSwitchedDto> {
    if (!this.factors.find(method)) {
      throw new AppException(
        ErrorCode.VALIDATION_FAILED,
        `method must be one of the following values: ${this.factors.names.join(', ')}`,
      );
    }
    await this.findOpen(user.id, challengeId);
    if (!methodsOf(user).includes(method)) {
      throw new AppException(
        ErrorCode.METHOD_NOT_ENABLED,
        `The ${method} method is not set up for this user`,
      );
    }
    await this.challenges.update({ id: challengeId }, { method });
    const prompt = await this.factors.method(method).start(user.id, challengeId);
    return { method, ...promptFields(method, prompt) };
  }

  /**
   * "Send me another code", for a method that sends one (email: 60 s apart, E5); never resets
   * the failure counts.
   */
  async resend(userId: string, challengeId: string): Promise<void> {
    const challenge = await this.findOpen(userId, challengeId);
    const factor = challenge.method ? this.factors.find(challenge.method) : undefined;
    if (!factor?.resend) {
      throw new AppException(ErrorCode.METHOD_NOT_ENABLED, 'Only email codes can be resent');
    }
    await factor.resend(userId, challengeId);
  }

  /**
   * Checks one answer against the challenge's method, or against `instead` (a recovery code, or a
   * temporary access code at a login). The answer's form is
   * the factor's to validate (400, nothing counted). The attempt is taken on the challenge (B1)
   * and on the user's lockout counter (B2) before the answer is checked, each by a conditional
   * UPDATE, so parallel answers never get more checks than the limits (B6). Once an attempt is
   * taken, a refusal is answered rather than thrown: the caller runs this in one transaction
   * (`Transactions.atomically`) that must commit what the refusal counted.
   */
  async verify(
    user: User,
    challengeId: string,
    answer: ChallengeAnswer,
    instead: 'recovery' | 'temporary' | undefined,
    client: ClientInfo,
  ): Promise<Verdict> {
    const challenge = await this.findOpen(user.id, challengeId);
    const factor = this.factors.factor(instead ?? challenge.method ?? '');
    const checked = await validateBody(factor.answerType, answer);
    const audit = (type: AuditEventType) =>
      this.audit.record({ type, user, factor: factor.name, client });
    const refuse = async (refusal: AppException): Promise<{ refusal: AppException }> => {
      await audit('two_factor.failed');
      return { refusal };
    };
    if (!(await this.takeAttempt(challengeId))) return refuse(tooManyAttempts());
    const outcome = await this.lockout.attempt(user.id, () =>
      factor.verify(user.id, challengeId, checked),
    );
    if (outcome === 'locked') return refuse(tooManyAttempts());
    if (outcome !== 'accepted') {
      const { refusal } = await refuse(refusalFor(outcome, factor.answerType === CodeDto));
      if (outcome === 'replayed') await audit('two_factor.replay_refused');
      if (await this.lockout.isLocked(user.id)) {
        await audit('two_factor.locked_out');
        return { refusal: tooManyAttempts() };
      }
      if (await this.isExhausted(challengeId)) return { refusal: tooManyAttempts() };
      return { refusal };
    }
    // A parallel request with another right code already passed this challenge.
    if (!(await this.complete(challengeId))) return { refusal: invalidCode() };
    await audit('two_factor.succeeded');
    // Only a method is remembered as the one to ask first (not a recovery or temporary code).
    if (this.factors.find(factor.name)) await this.preferences.recordUse(user.id, factor.name);
    return { accepted: factor.name };
  }

  /** What follows an accepted answer outside its transaction: a used recovery code is mailed. */
  async afterAccepted(user: User, method: string): Promise<void> {
    if (method !== this.factors.recovery.name) return;
    await this.mail.sendRecoveryCodeUsed(user, await this.factors.recovery.remaining(user.id));
  }

  /** B2: when the user's second factor unlocks, or null when it is not locked. */
  async lockedUntil(userId: string): Promise<Date | null> {
    const seconds = await this.lockout.secondsLeft(userId);
    return seconds > 0 ? new Date(this.clock.now().getTime() + seconds * 1000) : null;
  }

  /** Single use: of two requests completing one pending sign-in, exactly one succeeds. */
  async complete(challengeId: string): Promise<boolean> {
    const completed = await sqlAffected(
      this.challenges.manager,
      'UPDATE login_challenges SET completedAt = ? WHERE id = ? AND completedAt IS NULL',
      [this.clock.now(), challengeId],
    );
    return completed === 1;
  }

  private async open(
    userId: string,
    method: TwoFactorMethod | null,
    lifetimeMs: number,
  ): Promise<string> {
    const challenge = this.challenges.create({
      userId,
      method,
      failedAttempts: 0,
      expiresAt: new Date(this.clock.now().getTime() + lifetimeMs),
      completedAt: null,
    });
    await this.challenges.insert(challenge);
    return challenge.id;
  }

  /** B1: one of the challenge's five attempts, taken before any code is checked. */
  private async takeAttempt(challengeId: string): Promise<boolean> {
    const taken = await sqlAffected(
      this.challenges.manager,
      `UPDATE login_challenges SET failedAttempts = failedAttempts + 1
        WHERE id = ? AND completedAt IS NULL AND failedAttempts < ?`,
      [challengeId, maxFailures],
    );
    return taken === 1;
  }

  private async isExhausted(challengeId: string): Promise<boolean> {
    const challenge = await joinAmbient(this.challenges.manager).findOneBy(LoginChallenge, {
      id: challengeId,
    });
    return !challenge || challenge.failedAttempts >= maxFailures;
  }

  private async findOpen(userId: string, challengeId: string): Promise<OpenChallenge> {
    const [challenge] = await sqlRows<OpenChallenge & { failedAttempts: number; isOpen: number }>(
      this.challenges.manager,
      `SELECT method, failedAttempts, completedAt IS NULL AND expiresAt > ? AS isOpen
        FROM login_challenges WHERE id = ? AND userId = ?`,
      [this.clock.now(), challengeId, userId],
    );
    if (!challenge?.isOpen) throw challengeExpired();
    if (challenge.failedAttempts >= maxFailures) throw tooManyAttempts();
    return challenge;
  }
}

function tooManyAttempts(): AppException {
  return new AppException(ErrorCode.TOO_MANY_ATTEMPTS, 'Too many wrong codes; sign in again later');
}

/** S7: a setup token signs in once. */
export function setupSpent(): AppException {
  return new AppException(
    ErrorCode.TWO_FACTOR_REQUIRED,
    'This setup has already signed you in; sign in again with your method',
  );
}

/**
 * A code decided `replayed` by its factor's one conditional UPDATE was right, but spent: the
 * person should wait for the next one rather than check what they typed.
 */
function refusalFor(outcome: 'invalid' | 'expired' | 'replayed', isCode: boolean): AppException {
  if (outcome === 'expired') return codeExpired();
  return outcome === 'replayed' && isCode ? codeAlreadyUsed() : invalidCode();
}
