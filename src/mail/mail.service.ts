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
import { MAIL_TEMPLATES, type RenderedMail } from './mail.templates';

/** Decides what each mail says; MailModule's transport only carries it. */
@Injectable()
export class MailService {
  private readonly logger = new Logger('Mail');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailer: MailerService,
  ) {}

  sendEmailMethodVerificationCode(to: string, code: string): Promise<void> {
    return this.send(to, MAIL_TEMPLATES.emailMethodVerificationCode({ ...this.branding(), code }));
  }

  sendLoginCode(to: string, code: string): Promise<void> {
    return this.send(to, MAIL_TEMPLATES.loginCode({ ...this.branding(), code }));
  }

  // Notices (L3) follow a change that has already happened: a mail outage must not undo it or
  // fail the request, so they never throw; the failure is logged by `send`.

  /** `method` as a person reads it: "authenticator app". */
  sendMethodEnabled(to: string, method: string): Promise<void> {
    const context = { ...this.branding(), method };
    return this.notice(to, MAIL_TEMPLATES.methodEnabled(context));
  }

  sendMethodRemoved(to: string, method: string): Promise<void> {
    const context = { ...this.branding(), method };
    return this.notice(to, MAIL_TEMPLATES.methodRemoved(context));
  }

  sendTwoFactorReset(to: string): Promise<void> {
    return this.notice(to, MAIL_TEMPLATES.twoFactorReset(this.branding()));
  }

  sendTrustedDeviceAdded(to: string, deviceName: string): Promise<void> {
    return this.notice(to, MAIL_TEMPLATES.trustedDeviceAdded({ ...this.branding(), deviceName }));
  }

  sendRecoveryCodeUsed(to: string, remaining: number): Promise<void> {
    return this.notice(to, MAIL_TEMPLATES.recoveryCodeUsed({ ...this.branding(), remaining }));
  }

  private branding() {
    return { productName: this.config.productName, publicUrl: this.config.publicUrl };
  }

  private async notice(to: string, mail: RenderedMail): Promise<void> {
    await this.send(to, mail).catch(() => undefined);
  }

  private async send(to: string, mail: RenderedMail): Promise<void> {
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
