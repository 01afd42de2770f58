import type { ISendMailOptions, MailerService } from '@nestjs-modules/mailer';
import { Logger } from '@nestjs/common';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { AppConfig } from 'src/config/app-config';
import { MetricsService } from 'src/metrics/metrics.service';
import { MailService } from './mail.service';

const TO = 'alice@example.com';
// Never signed in: no language yet, so English.
const ALICE = { email: TO };
// Characters that mean something in HTML, to prove config values are escaped too.
const config = {
  productName: 'Acme & <Co>',
  publicUrl: 'https://auth.example.com',
  smtpUrl: 'smtp://mail.example.com',
  production: true,
} as AppConfig;

function setUp(
  sendMail: (options: ISendMailOptions) => Promise<unknown> = () => Promise.resolve({}),
) {
  const sent: ISendMailOptions[] = [];
  const mailer = {
    sendMail: (options: ISendMailOptions) => {
      sent.push(options);
      return sendMail(options);
    },
  } as unknown as MailerService;
  return { mail: new MailService(config, mailer, new MetricsService(config)), sent };
}

interface Case {
  name: string;
  send: (mail: MailService) => Promise<void>;
  subject: string;
  says: string;
  code?: string;
}

const cases: Case[] = [
  {
    name: 'email method verification code',
    send: (mail) => mail.sendEmailMethodVerificationCode(ALICE, '123456'),
    subject: 'your verification code',
    says: 'confirm this address',
    code: '123456',
  },
  {
    name: 'sign-in code',
    send: (mail) => mail.sendLoginCode(ALICE, '654321'),
    subject: 'your sign-in code',
    says: 'change your password',
    code: '654321',
  },
  {
    name: 'method enabled',
    send: (mail) => mail.sendMethodEnabled(ALICE, { name: 'totp', label: 'authenticator app' }),
    subject: 'a two-factor method was turned on',
    says: 'authenticator app',
  },
  {
    name: 'method removed',
    send: (mail) => mail.sendMethodRemoved(ALICE, { name: 'email', label: 'email codes' }),
    subject: 'a two-factor method was removed',
    says: 'email codes',
  },
  {
    name: 'two-factor reset',
    send: (mail) => mail.sendTwoFactorReset(ALICE),
    subject: 'your two-factor authentication was reset',
    says: 'An administrator reset your two-factor authentication',
  },
  {
    name: 'trusted device added',
    send: (mail) => mail.sendTrustedDeviceAdded(ALICE, 'Firefox on Linux'),
    subject: 'a device was remembered',
    says: 'Firefox on Linux',
  },
  {
    name: 'recovery code used',
    send: (mail) => mail.sendRecoveryCodeUsed(ALICE, 7),
    subject: 'a recovery code was used',
    says: 'Recovery codes left: 7',
  },
];

describe('MailService', () => {
  describe.each(cases)('$name', ({ send, subject, says, code }) => {
    it('renders HTML and text, with the product name, to the recipient', async () => {
      const { mail, sent } = setUp();
      await send(mail);

      expect(sent).toHaveLength(1);
      const [message] = sent;
      expect(message.to).toBe(TO);
      expect(message.subject).toBe(`Acme & <Co>: ${subject}`);
      expect(message.text).toContain(says);
      expect(message.text).toContain('Acme & <Co>');
      expect(message.text).toContain('https://auth.example.com');
      expect(message.html).toMatch(/^<!doctype html>/);
      expect(message.html).toContain('Acme &amp; &lt;Co&gt;');
      expect(message.html).not.toContain('<Co>');
      expect(message.html).toContain('href="https://auth.example.com"');
    });

    if (code) {
      it('carries the code in both versions and says it is valid 10 minutes', async () => {
        const { mail, sent } = setUp();
        await send(mail);
        for (const body of [sent[0].text, sent[0].html]) {
          expect(body).toContain(code);
          expect(body).toContain('valid for 10 minutes');
        }
        expect(sent[0].subject).not.toContain(code);
      });
    } else {
      it('L3: notifies without any code or secret in it', async () => {
        const { mail, sent } = setUp();
        await send(mail);
        for (const part of [sent[0].subject, sent[0].text, sent[0].html]) {
          expect(part).not.toMatch(/\d{6}/);
          expect(part).not.toMatch(/secret|otpauth:/i);
        }
      });
    }
  });

  it("writes in the recipient's language: French for locale fr, with the method's French name", async () => {
    const { mail, sent } = setUp();
    await mail.sendLoginCode({ email: TO, locale: 'fr' }, '654321');
    expect(sent[0].subject).toBe('Acme & <Co>: votre code de connexion');
    expect(sent[0].text).toContain('Votre code de connexion est 654321');
    expect(sent[0].html).toMatch(/^<!doctype html>\n<html lang="fr">/);
    await mail.sendMethodEnabled(
      { email: TO, locale: 'fr' },
      { name: 'totp', label: 'authenticator app' },
    );
    expect(sent[1].text).toContain("activé pour votre compte : application d'authentification.");
    // A method without a French name keeps its own label.
    await mail.sendMethodRemoved(
      { email: TO, locale: 'fr' },
      { name: 'fake', label: 'fake factor' },
    );
    expect(sent[2].text).toContain('retiré de votre compte : fake factor.');
  });

  it('writes English when the recipient has no language, or one the mails lack', async () => {
    const { mail, sent } = setUp();
    for (const locale of [null, undefined, 'de']) {
      await mail.sendLoginCode({ email: TO, locale }, '654321');
    }
    expect(sent.map((message) => message.subject)).toEqual(
      Array(3).fill('Acme & <Co>: your sign-in code'),
    );
    expect(sent[0].html).toMatch(/^<!doctype html>\n<html lang="en">/);
  });

  it('escapes HTML in variables and keeps them as typed in the text', async () => {
    const { mail, sent } = setUp();
    await mail.sendTrustedDeviceAdded(ALICE, '<img src=x onerror="alert(1)">');
    expect(sent[0].html).toContain('&lt;img src&#x3D;x onerror&#x3D;&quot;alert(1)&quot;&gt;');
    expect(sent[0].html).not.toContain('<img');
    expect(sent[0].text).toContain('<img src=x onerror="alert(1)">');
  });

  it('L2: a failed send throws MAIL_UNAVAILABLE and logs the cause without the body', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { mail } = setUp(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:25')));
      const sending = mail.sendLoginCode(ALICE, '246810');
      await expect(sending).rejects.toBeInstanceOf(AppException);
      await expect(sending).rejects.toMatchObject({ code: ErrorCode.MAIL_UNAVAILABLE });
      const logged = errors.mock.calls.flat().join('\n');
      expect(logged).toContain('ECONNREFUSED');
      expect(logged).toContain(TO);
      expect(logged).not.toContain('246810');
    } finally {
      errors.mockRestore();
    }
  });
});
