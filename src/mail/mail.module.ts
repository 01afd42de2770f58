import { MailerModule, type MailerOptions } from '@nestjs-modules/mailer';
import { Module } from '@nestjs/common';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { MetricsModule } from 'src/metrics/metrics.module';
import { MailService } from './mail.service';

/**
 * Sends through SMTP_URL when set; otherwise renders each mail to a buffer that MailService
 * keeps under var/mail, so the product works out of the box without a mail server.
 */
@Module({
  imports: [
    MetricsModule,
    MailerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): MailerOptions => ({
        transport: config.smtpUrl
          ? // Built here rather than from the bare URL string so the short timeouts apply:
            // a dead mail server fails the request in seconds instead of hanging it for minutes.
            new SMTPTransport({
              url: config.smtpUrl,
              connectionTimeout: 5_000,
              greetingTimeout: 5_000,
              socketTimeout: 10_000,
            })
          : { streamTransport: true, buffer: true, newline: 'unix' },
        defaults: { from: config.mailFrom },
      }),
    }),
  ],
  providers: [MailService],
  exports: [MailService],
})
export class MailModule {}
