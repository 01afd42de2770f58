import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { MailService } from 'src/mail/mail.service';
import { normalizeEmail } from 'src/users/email';
import { OneTimeCodesService } from '../one-time-codes.service';
import { EmailFactor } from './email-factor.entity';

/** The email second factor: setting up or changing the address, and login codes to it. */
@Injectable()
export class EmailFactorService {
  constructor(
    @InjectRepository(EmailFactor) private readonly factors: Repository<EmailFactor>,
    private readonly codes: OneTimeCodesService,
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {}

  find(userId: string): Promise<EmailFactor | null> {
    return this.factors.findOne({ where: { userId } });
  }

  /**
   * Sends a code to the new address and keeps it pending; the address in force, if any, stays
   * until the code is confirmed. A mail that fails leaves everything as it was.
   */
  async startSetup(userId: string, requestedAddress: string): Promise<{ pendingAddress: string }> {
    const address = normalizeEmail(requestedAddress);
    const factor =
      (await this.find(userId)) ?? this.factors.create({ userId, address: null, enabledAt: null });
    const previousPending = factor.pendingAddress ?? null;
    const sameAddressAgain = previousPending === address;
    factor.pendingAddress = address;
    await this.factors.save(factor);
    const code = await this.codes.issue(userId, 'email_setup', null, sameAddressAgain);
    try {
      await this.mail.sendEmailMethodVerificationCode(address, code);
    } catch (error) {
      await this.codes.discard(userId, 'email_setup');
      await this.factors.update({ id: factor.id }, { pendingAddress: previousPending });
      throw error;
    }
    return { pendingAddress: address };
  }

  async resendSetupCode(userId: string): Promise<void> {
    const pending = (await this.find(userId))?.pendingAddress;
    if (!pending) throw nothingPending();
    const code = await this.codes.issue(userId, 'email_setup', null, true);
    await this.mail.sendEmailMethodVerificationCode(pending, code);
  }

  /** The pending address becomes the one in force. Returns it. */
  async confirmSetup(userId: string, code: string): Promise<string> {
    const factor = await this.find(userId);
    if (!factor?.pendingAddress) throw nothingPending();
    await this.codes.consume(userId, 'email_setup', null, code);
    const address = factor.pendingAddress;
    await this.factors.update(
      { id: factor.id },
      { address, pendingAddress: null, enabledAt: factor.enabledAt ?? this.clock.now() },
    );
    return address;
  }

  async remove(userId: string): Promise<void> {
    await this.factors.delete({ userId });
    await this.codes.discard(userId, 'email_setup');
    await this.codes.discard(userId, 'login');
  }

  /** Sends a login code bound to this challenge. `cooldown` refuses a resend within 60 s. */
  async sendLoginCode(userId: string, challengeId: string, cooldown: boolean): Promise<void> {
    const address = (await this.find(userId))?.address;
    if (!address)
      throw new AppException(ErrorCode.METHOD_NOT_ENABLED, 'Email codes are not set up');
    const code = await this.codes.issue(userId, 'login', challengeId, cooldown);
    await this.mail.sendLoginCode(address, code);
  }

  loginCodeSentRecently(userId: string, challengeId: string): Promise<boolean> {
    return this.codes.sentRecently(userId, 'login', challengeId);
  }

  verifyLoginCode(userId: string, challengeId: string, code: string): Promise<void> {
    return this.codes.consume(userId, 'login', challengeId, code);
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
