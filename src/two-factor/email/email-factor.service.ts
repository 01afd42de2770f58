import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { LIMITS, type CounterLimit } from 'src/config/limits';
import { MailService, type Recipient } from 'src/mail/mail.service';
import { AttemptLimiter } from 'src/rate-limit/attempt-limiter.service';
import { CodeDto } from 'src/two-factor/method-payloads.dto';
import type {
  ChallengePrompt,
  MethodApi,
  SecondFactorMethod,
  SetupConfirmation,
  SetupUser,
  VerifyOutcome,
} from 'src/two-factor/second-factor';
import { normalizeEmail } from 'src/users/email';
import { UsersService } from 'src/users/users.service';
import { EmailFactor } from './email-factor.entity';
import {
  EmailEnabledDto,
  EmailStatusDto,
  PendingAddressDto,
  StartEmailSetupDto,
} from './email.dto';
import { OneTimeCode } from './one-time-code.entity';
import {
  codeAlreadyUsed,
  codeExpired,
  invalidCode,
  OneTimeCodesService,
} from './one-time-codes.service';

/** The email second factor: setting up or changing the address, and login codes to it. */
@Injectable()
export class EmailFactorService implements SecondFactorMethod<CodeDto> {
  static readonly method = 'email';
  readonly name = EmailFactorService.method;
  readonly label = 'email codes';
  readonly answerType = CodeDto;
  static readonly api: MethodApi = {
    begin: {
      operationId: 'startEmailSetup',
      body: StartEmailSetupDto,
      status: 202,
      answer: PendingAddressDto,
      description:
        'Sends a 6-digit code (valid 10 minutes) to the address, which may differ from the login email. ' +
        'Again with another address: "modify email address"; the address in force stays until the new one is confirmed. ' +
        '503 MAIL_UNAVAILABLE when the code cannot be mailed; nothing changes then. 429 TOO_MANY_REQUESTS beyond ' +
        '10 codes or 5 new addresses an hour. 429 TOO_MANY_ATTEMPTS after 5 wrong passwords in a row.',
    },
    resend: {
      operationId: 'resendEmailSetupCode',
      description: '429 RESEND_TOO_SOON with `retryAfter` within 60 s of the last code.',
    },
    confirm: { operationId: 'confirmEmailSetup', body: CodeDto, answer: EmailEnabledDto },
    remove: { operationId: 'removeEmailMethod' },
    status: EmailStatusDto,
  };
  readonly api = EmailFactorService.api;

  constructor(
    @InjectRepository(EmailFactor) private readonly factors: Repository<EmailFactor>,
    private readonly codes: OneTimeCodesService,
    private readonly mail: MailService,
    private readonly limiter: AttemptLimiter,
    private readonly clock: Clock,
    private readonly users: UsersService,
  ) {}

  find(userId: string): Promise<EmailFactor | null> {
    return this.factors.findOne({ where: { userId } });
  }

  /**
   * Sends a code to the new address and keeps it pending; the address in force, if any, stays
   * until the code is confirmed. A mail that fails leaves everything as it was. E7: the caller
   * chooses the address, so mails and new addresses per user and hour are limited.
   */
  async beginSetup(user: SetupUser, input: StartEmailSetupDto): Promise<PendingAddressDto> {
    const userId = user.id;
    const address = normalizeEmail(input.email);
    // One row per user: create it if missing (parallel setups may race here), then update.
    await this.factors
      .createQueryBuilder()
      .insert()
      .into(EmailFactor)
      .values(this.factors.create({ userId, address: null, pendingAddress: null, enabledAt: null }))
      .orIgnore()
      .execute();
    const previousPending = (await this.find(userId))?.pendingAddress ?? null;
    const newAddress = previousPending !== address;
    if (newAddress) await this.reserve('setup_address', userId, LIMITS.setupAddresses);
    await this.factors.update({ userId }, { pendingAddress: address });
    try {
      await this.sendSetupCode(userId, address, newAddress ? 'ignored' : 'enforced');
    } catch (error) {
      await this.factors.update({ userId }, { pendingAddress: previousPending });
      if (newAddress)
        await this.limiter.settle('setup_address', userId, LIMITS.setupAddresses, false);
      throw error;
    }
    if (newAddress) await this.limiter.settle('setup_address', userId, LIMITS.setupAddresses, true);
    return { pendingAddress: address };
  }

  async resendSetup(userId: string): Promise<void> {
    const pending = (await this.find(userId))?.pendingAddress;
    if (!pending) throw nothingPending();
    await this.sendSetupCode(userId, pending, 'enforced');
  }

  /** Checks (and consumes) the setup code; `enable` puts the pending address in force. */
  async confirmSetup(userId: string, input: CodeDto): Promise<SetupConfirmation> {
    const factor = await this.find(userId);
    if (!factor?.pendingAddress) throw nothingPending();
    const outcome = await this.codes.consume(userId, 'email_setup', null, input.code);
    if (outcome === 'expired') throw codeExpired();
    if (outcome === 'replayed') throw codeAlreadyUsed();
    if (outcome !== 'accepted') throw invalidCode();
    const address = factor.pendingAddress;
    const enable = async (manager: EntityManager) => {
      await manager.update(
        EmailFactor,
        { id: factor.id },
        { address, pendingAddress: null, enabledAt: factor.enabledAt ?? this.clock.now() },
      );
    };
    const answer: EmailEnabledDto = { enabled: true, address };
    return { answer, enable };
  }

  async status(userId: string): Promise<EmailStatusDto> {
    const factor = await this.find(userId);
    return {
      enabled: !!factor?.address,
      address: factor?.address ?? null,
      pendingAddress: factor?.pendingAddress ?? null,
    };
  }

  /**
   * Sends a login code bound to this challenge, unless one went out for it less than 60 s ago:
   * switching back and forth to email at one sign-in sends one code.
   */
  async start(userId: string, challengeId: string): Promise<ChallengePrompt | undefined> {
    await this.sendLoginCode(userId, challengeId, 'skipped');
    return this.hint(userId);
  }

  /** "Send me another code": 60 s apart (E5). */
  resend(userId: string, challengeId: string): Promise<void> {
    return this.sendLoginCode(userId, challengeId, 'enforced');
  }

  verify(userId: string, challengeId: string, answer: CodeDto): Promise<VerifyOutcome> {
    return this.codes.consume(userId, 'login', challengeId, answer.code);
  }

  async isEnabled(manager: EntityManager, userId: string): Promise<boolean> {
    return !!(await manager.findOneBy(EmailFactor, { userId }))?.address;
  }

  async remove(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(EmailFactor, { userId });
    await manager.delete(OneTimeCode, { userId });
  }

  /** A refused or failed send counts nothing and changes no code. */
  private async sendSetupCode(
    userId: string,
    address: string,
    cooldown: 'enforced' | 'ignored',
  ): Promise<void> {
    await this.reserve('setup_mail', userId, LIMITS.setupMails);
    let code: string;
    try {
      code = await this.codes.issue(userId, 'email_setup', null, cooldown);
    } catch (error) {
      await this.limiter.settle('setup_mail', userId, LIMITS.setupMails, false);
      throw error;
    }
    try {
      await this.mail.sendEmailMethodVerificationCode(await this.recipient(userId, address), code);
    } catch (error) {
      await this.codes.discard(userId, 'email_setup');
      await this.limiter.settle('setup_mail', userId, LIMITS.setupMails, false);
      throw error;
    }
    await this.limiter.settle('setup_mail', userId, LIMITS.setupMails, true);
  }

  private async sendLoginCode(
    userId: string,
    challengeId: string,
    cooldown: 'enforced' | 'skipped',
  ): Promise<void> {
    const address = (await this.find(userId))?.address;
    if (!address)
      throw new AppException(ErrorCode.METHOD_NOT_ENABLED, 'Email codes are not set up');
    const code = await this.codes.issue(userId, 'login', challengeId, cooldown);
    if (code !== null) await this.mail.sendLoginCode(await this.recipient(userId, address), code);
  }

  /** The method's address, which may not be the login email, in the user's language. */
  private async recipient(userId: string, address: string): Promise<Recipient> {
    return { email: address, locale: (await this.users.findById(userId))?.locale };
  }

  /** Where the code went, masked. */
  private async hint(userId: string): Promise<ChallengePrompt | undefined> {
    const address = (await this.find(userId))?.address;
    return address ? { hint: maskEmail(address) } : undefined;
  }

  private async reserve(
    scope: 'setup_mail' | 'setup_address',
    userId: string,
    limit: CounterLimit,
  ): Promise<void> {
    const reservation = await this.limiter.reserve(scope, userId, limit, 'free');
    if (reservation.granted) return;
    const what = scope === 'setup_mail' ? 'setup codes' : 'new addresses';
    throw new AppException(
      ErrorCode.TOO_MANY_REQUESTS,
      `Too many ${what} this hour; try again in ${reservation.retryAfterSeconds} s`,
      { retryAfter: reservation.retryAfterSeconds },
    );
  }
}

function nothingPending(): AppException {
  return new AppException(ErrorCode.NOTHING_PENDING, 'No address is waiting for confirmation');
}

/** "ada@example.com" → "a•••@example.com": enough to recognise, not enough to harvest. */
export function maskEmail(address: string): string {
  const [local, domain] = address.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}
