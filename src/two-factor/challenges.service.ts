import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import { Clock } from 'src/common/clock';
import { challengeExpired } from 'src/sessions/tokens.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import type { User } from 'src/users/user.entity';
import { MailService } from 'src/mail/mail.service';
import { EmailFactorService, maskEmail } from './email/email-factor.service';
import { LoginChallenge } from './login-challenge.entity';
import { invalidCode } from './one-time-codes.service';
import { RecoveryCodesService } from './recovery/recovery-codes.service';
import { TotpFactorService } from './totp/totp-factor.service';
import type { TwoFactorMethod } from './two-factor-method';
import { TwoFactorStateService } from './two-factor-state.service';
import { TwoFactorService } from './two-factor.service';

/** What can pass a challenge: the user's methods, or one of their recovery codes (R1). */
type Factor = TwoFactorMethod | 'recovery';

const CHALLENGE_TTL_MS = 10 * 60 * 1000;
const MAX_ATTEMPTS_PER_CHALLENGE = 5;

export interface ChallengeStarted {
  challengeId: string;
  method: TwoFactorMethod;
  methods: TwoFactorMethod[];
  emailHint?: string;
}

/** The second step of login: one challenge per correct password, one code to pass it. */
@Injectable()
export class ChallengesService {
  constructor(
    @InjectRepository(LoginChallenge) private readonly challenges: Repository<LoginChallenge>,
    private readonly twoFactor: TwoFactorService,
    private readonly state: TwoFactorStateService,
    private readonly email: EmailFactorService,
    private readonly totp: TotpFactorService,
    private readonly recovery: RecoveryCodesService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Asks for the method last used successfully; sends the email code when that is email. */
  async start(user: User, methods: TwoFactorMethod[]): Promise<ChallengeStarted> {
    const lastUsed = await this.state.lastUsedMethod(user.id);
    const method = lastUsed && methods.includes(lastUsed) ? lastUsed : methods[0];
    const challenge = await this.challenges.save(
      this.challenges.create({
        userId: user.id,
        method,
        failedAttempts: 0,
        expiresAt: new Date(this.clock.now().getTime() + CHALLENGE_TTL_MS),
        completedAt: null,
      }),
    );
    const emailHint = await this.announce(challenge, false);
    return { challengeId: challenge.id, method, methods, emailHint };
  }

  /** "Use another authentication method". */
  async switchMethod(userId: string, challengeId: string, method: TwoFactorMethod) {
    const challenge = await this.open(userId, challengeId);
    const methods = await this.twoFactor.enabledMethods(userId);
    if (!methods.includes(method)) {
      throw new AppException(
        ErrorCode.METHOD_NOT_ENABLED,
        `The ${method} method is not set up for this user`,
      );
    }
    challenge.method = method;
    await this.challenges.update({ id: challenge.id }, { method });
    // Switching back and forth must not become a way around the resend cooldown.
    const sendCode =
      method === 'email' && !(await this.email.loginCodeSentRecently(userId, challengeId));
    return { method, emailHint: await this.announce(challenge, !sendCode) };
  }

  /** "Send me another code": email only, 60 s apart (E5); never resets the failure counts. */
  async resend(userId: string, challengeId: string): Promise<void> {
    const challenge = await this.open(userId, challengeId);
    if (challenge.method !== 'email') {
      throw new AppException(ErrorCode.METHOD_NOT_ENABLED, 'Only email codes can be resent');
    }
    await this.email.sendLoginCode(userId, challengeId, true);
  }

  /**
   * Checks one code against the challenge's method. Every failure counts on the challenge (B1)
   * and on the user's lockout counter (B2); while locked even a right code is refused.
   */
  async verify(
    user: User,
    challengeId: string,
    code: string,
    withRecoveryCode: boolean,
    client: ClientInfo,
  ): Promise<void> {
    const challenge = await this.open(user.id, challengeId);
    const method: Factor = withRecoveryCode ? 'recovery' : challenge.method;
    if (await this.state.isLocked(user.id)) {
      await this.state.recordFailure(user.id);
      await this.audit.record({ type: 'two_factor.failed', user, factor: method, client });
      throw tooManyAttempts();
    }
    const failure = await this.check(user, method, challengeId, code, client);
    if (failure) {
      await this.challenges.increment({ id: challenge.id }, 'failedAttempts', 1);
      const locked = await this.state.recordFailure(user.id);
      await this.audit.record({ type: 'two_factor.failed', user, factor: method, client });
      if (locked) {
        await this.audit.record({ type: 'two_factor.locked_out', user, factor: method, client });
        throw tooManyAttempts();
      }
      if (challenge.failedAttempts + 1 >= MAX_ATTEMPTS_PER_CHALLENGE) throw tooManyAttempts();
      throw failure;
    }
    const completed = await this.challenges.update(
      { id: challenge.id, completedAt: IsNull() },
      { completedAt: this.clock.now() },
    );
    if (completed.affected !== 1) throw invalidCode();
    await this.state.recordSuccess(user.id, method === 'recovery' ? null : method);
    await this.audit.record({ type: 'two_factor.succeeded', user, factor: method, client });
    if (method === 'recovery') {
      await this.mail.sendRecoveryCodeUsed(user.email, await this.recovery.remaining(user.id));
    }
  }

  /** Returns the failure to answer, or undefined when the code is right. */
  private async check(
    user: User,
    method: Factor,
    challengeId: string,
    code: string,
    client: ClientInfo,
  ): Promise<AppException | undefined> {
    if (method === 'recovery') {
      return (await this.recovery.consume(user.id, code)) ? undefined : invalidCode();
    }
    if (method === 'email') {
      try {
        await this.email.verifyLoginCode(user.id, challengeId, code);
        return undefined;
      } catch (error) {
        if (error instanceof AppException) return error;
        throw error;
      }
    }
    const result = await this.totp.check(user.id, code);
    if (result === 'accepted') return undefined;
    if (result === 'replayed') {
      await this.audit.record({ type: 'two_factor.replay_refused', user, factor: method, client });
    }
    return invalidCode();
  }

  private async open(userId: string, challengeId: string): Promise<LoginChallenge> {
    const challenge = await this.challenges.findOne({ where: { id: challengeId, userId } });
    if (!challenge || challenge.completedAt || challenge.expiresAt <= this.clock.now()) {
      throw challengeExpired();
    }
    if (challenge.failedAttempts >= MAX_ATTEMPTS_PER_CHALLENGE) throw tooManyAttempts();
    return challenge;
  }

  /** Sends the email code when the method is email (unless `alreadySent`) and returns the hint. */
  private async announce(
    challenge: LoginChallenge,
    alreadySent: boolean,
  ): Promise<string | undefined> {
    if (challenge.method !== 'email') return undefined;
    if (!alreadySent) await this.email.sendLoginCode(challenge.userId, challenge.id, false);
    const address = (await this.email.find(challenge.userId))?.address;
    return address ? maskEmail(address) : undefined;
  }
}

function tooManyAttempts(): AppException {
  return new AppException(ErrorCode.TOO_MANY_ATTEMPTS, 'Too many wrong codes; sign in again later');
}
