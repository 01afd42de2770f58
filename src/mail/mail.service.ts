import { MailerService } from '@nestjs-modules/mailer';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { isLanguage } from 'src/common/languages';
import { MetricsService } from 'src/metrics/metrics.service';
import { MAIL_TEMPLATES, METHOD_NAMES, SUPPORT_WORDS, type RenderedMail } from './mail.templates';

/** Who a mail goes to, and in which language (a user's `locale`). */
export interface Recipient {
  email: string;
  locale?: string | null;
}

/** A second factor as the mails name it (SecondFactorMethod's name and label). */
export interface MailMethod {
  name: string;
  label: string;
}

type Write = (templates: (typeof MAIL_TEMPLATES)['en']) => RenderedMail;

function methodName({ locale }: Recipient, method: MailMethod): string {
  return (isLanguage(locale) ? METHOD_NAMES[locale][method.name] : undefined) ?? method.label;
}

/** What a support action's notice says: what was asked, for whom, how it stands, and why. */
export interface SupportActionNotice {
  /** `temporary_code`, `reset`, `end_sessions`: each recipient reads it in their language. */
  action: string;
  userEmail: string;
  /** `done`, `pending`, `approved` or `refused`. */
  outcome: string;
  reason: string;
  ticket: string;
}

/** Decides what each mail says; MailModule's transport only carries it. */
@Injectable()
export class MailService {
  private readonly logger = new Logger('Mail');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailer: MailerService,
    private readonly metrics: MetricsService,
  ) {}

  async sendEmailMethodVerificationCode(to: Recipient, code: string): Promise<void> {
    await this.send(to, (mail) => mail.emailMethodVerificationCode({ ...this.branding(), code }));
    this.metrics.codesSent.inc({ channel: 'email' });
  }

  async sendLoginCode(to: Recipient, code: string): Promise<void> {
    await this.send(to, (mail) => mail.loginCode({ ...this.branding(), code }));
    this.metrics.codesSent.inc({ channel: 'email' });
  }

  // Notices (L3) follow a change that has already happened: a mail outage must not undo it or
  // fail the request, so they never throw; the failure is logged by `send`.

  sendMethodEnabled(to: Recipient, method: MailMethod): Promise<void> {
    const context = { ...this.branding(), method: methodName(to, method) };
    return this.notice(to, (mail) => mail.methodEnabled(context));
  }

  sendMethodRemoved(to: Recipient, method: MailMethod): Promise<void> {
    const context = { ...this.branding(), method: methodName(to, method) };
    return this.notice(to, (mail) => mail.methodRemoved(context));
  }

  sendTwoFactorReset(to: Recipient): Promise<void> {
    return this.notice(to, (mail) => mail.twoFactorReset(this.branding()));
  }

  sendTrustedDeviceAdded(to: Recipient, deviceName: string): Promise<void> {
    return this.notice(to, (mail) => mail.trustedDeviceAdded({ ...this.branding(), deviceName }));
  }

  sendRecoveryCodeUsed(to: Recipient, remaining: number): Promise<void> {
    return this.notice(to, (mail) => mail.recoveryCodeUsed({ ...this.branding(), remaining }));
  }

  sendTemporaryCodeUsed(to: Recipient): Promise<void> {
    return this.notice(to, (mail) => mail.temporaryCodeUsed(this.branding()));
  }

  /** H4: one notice per recipient, each in their language; never the code. */
  async sendSupportAction(to: Recipient[], notice: SupportActionNotice): Promise<void> {
    for (const recipient of to) {
      const words = SUPPORT_WORDS[isLanguage(recipient.locale) ? recipient.locale : 'en'];
      await this.notice(recipient, (mail) =>
        mail.supportAction({
          ...this.branding(),
          ...notice,
          action: words.actions[notice.action],
          outcome: words.outcomes[notice.outcome],
        }),
      );
    }
  }

  private branding() {
    return { productName: this.config.productName, publicUrl: this.config.publicUrl };
  }

  private async notice(to: Recipient, write: Write): Promise<void> {
    await this.send(to, write).catch(() => undefined);
  }

  /** Written in the recipient's language (English until they chose one), then sent. */
  private async send({ email: to, locale }: Recipient, write: Write): Promise<void> {
    const mail = write(MAIL_TEMPLATES[isLanguage(locale) ? locale : 'en']);
    try {
      const info = (await this.mailer.sendMail({ to, ...mail })) as StreamTransport.SentMessageInfo;
      if (!this.config.smtpUrl) await this.keepOnDisk(to, mail, info.message);
    } catch (error) {
      // The cause and the subject only: the body may hold a code (L2).
      const cause = error instanceof Error ? error.message : String(error);
      this.logger.error(`Mail to ${to} "${mail.subject}" failed: ${cause}`);
      throw new AppException(ErrorCode.MAIL_UNAVAILABLE, 'Mail could not be sent; try again later');
    }
  }

  /** Without SMTP the mail lands in var/mail, so someone running the product locally can read it. */
  private async keepOnDisk(
    to: string,
    mail: RenderedMail,
    message: StreamTransport.SentMessageInfo['message'],
  ): Promise<void> {
    const dir = join(this.config.varDir, 'mail');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = join(dir, `${stamp}-${randomBytes(4).toString('hex')}.eml`);
    // The file holds the code, like the mail would: readable by the service's user only.
    await writeFile(file, message, { mode: 0o600 });
    // The file, never the body: the body may hold a code (L2).
    this.logger.log(`Mail to ${to} "${mail.subject}" written to ${file}`);
  }
}
