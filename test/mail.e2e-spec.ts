import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { loadConfig } from 'src/config/app-config';
import { ConfigModule } from 'src/config/config.module';
import { MailModule } from 'src/mail/mail.module';
import { MailService } from 'src/mail/mail.service';
import { SmtpCapture } from './support/smtp-capture';
import { closedPort } from './support/tcp';

const TO = 'alice@example.com';
// Never signed in: no language yet, so English.
const ALICE = { email: TO };

/** MailModule alone over a real config; no database, no HTTP. */
async function startMail(env: Record<string, string> = {}) {
  const varDir = mkdtempSync(join(tmpdir(), 'gatekeeper-mail-'));
  const config = loadConfig({ GATEKEEPER_VAR_DIR: varDir, ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), MailModule],
  }).compile();
  await moduleRef.init();
  return { mail: moduleRef.get(MailService), varDir, close: () => moduleRef.close() };
}

/** What the app logged, silenced; the transport stays real. */
function captureLogs() {
  const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  return {
    text: () => [...log.mock.calls, ...error.mock.calls].flat().join('\n'),
    errors: () => error.mock.calls.flat().join('\n'),
  };
}

afterEach(() => jest.restoreAllMocks());

describe('Mail through an SMTP server', () => {
  const capture = new SmtpCapture();
  let app: Awaited<ReturnType<typeof startMail>>;

  beforeAll(async () => {
    const { url } = await capture.start();
    app = await startMail({
      SMTP_URL: url,
      MAIL_FROM: 'Gatekeeper <no-reply@gatekeeper.test>',
      PUBLIC_URL: 'https://auth.example.com',
    });
  });
  afterAll(async () => {
    await app.close();
    await capture.stop();
  });
  beforeEach(() => capture.clear());

  it('delivers the email-method verification code', async () => {
    await app.mail.sendEmailMethodVerificationCode(ALICE, '482913');
    const mail = await capture.waitFor((m) => m.to.includes(TO));
    expect(mail.subject).toBe('Gatekeeper: your verification code');
    expect(mail.text).toContain('Your verification code is 482913');
    expect(mail.text).toContain('valid for 10 minutes');
    expect(mail.raw).toContain('From: Gatekeeper <no-reply@gatekeeper.test>');
    expect(mail.raw).toMatch(/Content-Type: text\/html/);
    expect(capture.latestCodeFor(TO)).toBe('482913');
  });

  it('delivers the sign-in code, and latestCodeFor reads the newest one', async () => {
    await app.mail.sendLoginCode(ALICE, '111111');
    await app.mail.sendLoginCode({ email: 'Alice@Example.com' }, '222222');
    expect(capture.messages.map((m) => m.subject)).toEqual([
      'Gatekeeper: your sign-in code',
      'Gatekeeper: your sign-in code',
    ]);
    expect(capture.messages[0].text).toContain("If this wasn't you");
    expect(capture.messages[0].text).toContain('https://auth.example.com');
    expect(capture.latestCodeFor(TO)).toBe('222222');
  });

  it.each([
    [
      'method enabled',
      (mail: MailService) => mail.sendMethodEnabled(ALICE, { name: 'email', label: 'email codes' }),
      'Gatekeeper: a two-factor method was turned on',
      'turned on for your account: email codes',
    ],
    [
      'method removed',
      (mail: MailService) =>
        mail.sendMethodRemoved(ALICE, { name: 'totp', label: 'authenticator app' }),
      'Gatekeeper: a two-factor method was removed',
      'removed from your account: authenticator app',
    ],
    [
      'two-factor reset',
      (mail: MailService) => mail.sendTwoFactorReset(ALICE),
      'Gatekeeper: your two-factor authentication was reset',
      'An administrator reset your two-factor authentication',
    ],
    [
      'trusted device added',
      (mail: MailService) => mail.sendTrustedDeviceAdded(ALICE, 'Firefox on Linux'),
      'Gatekeeper: a device was remembered',
      'remembered for your account: Firefox on Linux',
    ],
    [
      'recovery code used',
      (mail: MailService) => mail.sendRecoveryCodeUsed(ALICE, 9),
      'Gatekeeper: a recovery code was used',
      'Recovery codes left: 9',
    ],
  ])('L3: emails the user when %s, with no secret in it', async (_, send, subject, says) => {
    await send(app.mail);
    const mail = await capture.waitFor((m) => m.to.includes(TO));
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(says);
    expect(mail.text).not.toMatch(/\d{6}/);
    expect(() => capture.latestCodeFor(TO)).toThrow(/has no code/);
  });
});

describe('Mail without SMTP_URL', () => {
  it('L2: writes the mail to <varDir>/mail as .eml and logs where, never the code, even outside production', async () => {
    const logs = captureLogs();
    const app = await startMail();
    try {
      await app.mail.sendLoginCode(ALICE, '735102');
      const dir = join(app.varDir, 'mail');
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const file = join(dir, files[0]);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const eml = readFileSync(file, 'utf8');
      expect(eml).toContain(`To: ${TO}`);
      expect(eml).toContain('Subject: Gatekeeper: your sign-in code');
      expect(eml).toContain('735102');
      expect(logs.text()).toContain(
        `Mail to ${TO} "Gatekeeper: your sign-in code" written to ${file}`,
      );
      expect(logs.text()).not.toContain('735102');
    } finally {
      await app.close();
    }
  });

  it('L2: in production (when allowed) logs recipient, subject and file, never the code', async () => {
    const logs = captureLogs();
    const app = await startMail({
      NODE_ENV: 'production',
      ALLOW_MAIL_TO_FILES: 'true',
      JWT_SECRET: randomBytes(32).toString('base64'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    try {
      await app.mail.sendEmailMethodVerificationCode(ALICE, '917364');
      const [file] = readdirSync(join(app.varDir, 'mail'));
      expect(readFileSync(join(app.varDir, 'mail', file), 'utf8')).toContain('917364');
      expect(logs.text()).toContain(
        `Mail to ${TO} "Gatekeeper: your verification code" written to`,
      );
      expect(logs.text()).not.toContain('917364');
    } finally {
      await app.close();
    }
  });
});

describe('Mail when the SMTP server is unavailable', () => {
  it('answers MAIL_UNAVAILABLE at once when the port is closed, logging the cause but not the code', async () => {
    const port = await closedPort();

    const logs = captureLogs();
    const app = await startMail({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    try {
      const started = Date.now();
      const sending = app.mail.sendLoginCode(ALICE, '305917');
      await expect(sending).rejects.toBeInstanceOf(AppException);
      await expect(sending).rejects.toMatchObject({
        code: ErrorCode.MAIL_UNAVAILABLE,
        message: 'Mail could not be sent; try again later',
      });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(logs.errors()).toContain('ECONNREFUSED');
      expect(logs.text()).not.toContain('305917');
      // A notice follows a change already made: it is logged, never thrown.
      await expect(app.mail.sendTwoFactorReset(ALICE)).resolves.toBeUndefined();
      expect(logs.errors()).toMatch(/two-factor authentication was reset.*ECONNREFUSED/);
    } finally {
      await app.close();
    }
  });

  it('gives up within the greeting timeout when the server accepts but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;

    const logs = captureLogs();
    const app = await startMail({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    try {
      const started = Date.now();
      await expect(app.mail.sendLoginCode(ALICE, '305917')).rejects.toMatchObject({
        code: ErrorCode.MAIL_UNAVAILABLE,
      });
      expect(Date.now() - started).toBeLessThan(7_000);
      expect(logs.errors()).toMatch(/Greeting never received|timeout/i);
    } finally {
      await app.close();
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 10_000);
});
