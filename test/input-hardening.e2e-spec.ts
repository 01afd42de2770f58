import { connect, type AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { TrustedDevice } from 'src/devices/trusted-device.entity';
import { createAccountWithUser, signIn, type TestUser } from './support/factories';
import { totpCode } from './support/independent-totp';
import { startTestApp, type TestApp } from './support/test-app';
import {
  enableEmailMethod,
  signInWithApp,
  startChallenge,
  userWithMethods,
} from './support/two-factor';

const FIREFOX_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0';

/** I4 on what people type: prototype keys, addresses a mailer or a log would read otherwise, invisible names. */
describe('Input hardening', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A raw JSON text: `JSON.stringify` of an object literal cannot carry an own `__proto__` key. */
  const sendJson = (request: ReturnType<TestApp['http']['post']>, json: string) =>
    request.set('Content-Type', 'application/json').send(json);

  const expectUnknownField = (
    response: { status: number; body: { code?: string; message?: string } },
    key: string,
  ) => {
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.message).toContain(`${key} should not exist`);
  };

  describe('prototype keys', () => {
    it('I4: `__proto__` and `constructor` at login are unknown fields (400), never 500, and nobody signs in', async () => {
      const user = await createAccountWithUser(t, 'member');
      const credentials = JSON.stringify({ email: user.email, password: user.password }).slice(
        0,
        -1,
      );
      for (const [key, value] of [
        ['constructor', '{}'],
        ['constructor', '"x"'],
        ['constructor', '{"prototype":{"isAdmin":true}}'],
        ['__proto__', '{}'],
        ['__proto__', '{"isAdmin":true}'],
        ['__proto__', 'null'],
      ]) {
        const response = await sendJson(
          t.http.post('/api/auth/login'),
          `${credentials},"${key}":${value}}`,
        );
        expectUnknownField(response, key);
        expect(response.body.accessToken).toBeUndefined();
      }
      // Nested in a field: class-transformer took such a value for a class and answered 500.
      for (const [json, path] of [
        [`{"email":{"constructor":1},"password":"x"}`, 'email.constructor'],
        [`${credentials},"deviceToken":{"constructor":1}}`, 'deviceToken.constructor'],
        [`${credentials},"deviceToken":[{"__proto__":{}}]}`, 'deviceToken.0.__proto__'],
      ]) {
        expectUnknownField(await sendJson(t.http.post('/api/auth/login'), json), path);
      }
    });

    it('I4: prototype keys are refused on every route with a body, nested too, and change nothing', async () => {
      const { token, user } = await userWithMethods(t, ['email']);
      // The policy needs an administrator who passed the second factor (A4).
      const admin = await userWithMethods(t, ['totp'], { role: 'admin' });
      const adminToken = (await signInWithApp(t, admin.user, admin.secret)).accessToken;
      const removeEmail = (json: string) =>
        sendJson(t.as(token).delete('/api/me/two-factor/email'), json);
      const setPolicy = (json: string) => sendJson(t.as(adminToken).put('/api/admin/policy'), json);
      const password = JSON.stringify(user.password);

      expectUnknownField(await removeEmail(`{"password":${password},"__proto__":{}}`), '__proto__');
      expectUnknownField(
        await removeEmail(`{"password":${password},"constructor":1}`),
        'constructor',
      );
      expectUnknownField(
        await setPolicy('{"twoFactorRequired":true,"constructor":{}}'),
        'constructor',
      );
      expectUnknownField(await setPolicy('{"twoFactorRequired":true,"__proto__":[]}'), '__proto__');
      // Nested inside a field and inside an array: named with their path.
      expectUnknownField(
        await setPolicy('{"twoFactorRequired":{"__proto__":{"x":1}}}'),
        'twoFactorRequired.__proto__',
      );
      expectUnknownField(
        await setPolicy('{"twoFactorRequired":[{"constructor":{}}]}'),
        'twoFactorRequired.0.constructor',
      );
      // And in the query string.
      expectUnknownField(
        await t.as(adminToken).get('/api/admin/users?constructor=1'),
        'constructor',
      );

      const methods = await t.as(token).get('/api/me/two-factor').expect(200);
      expect(methods.body.email.enabled).toBe(true);
      const policy = await t.as(adminToken).get('/api/admin/policy').expect(200);
      expect(policy.body.twoFactorRequired).toBe(false);
      // The same bodies without the key go through.
      await setPolicy('{"twoFactorRequired":false}').expect(200);
      await removeEmail(`{"password":${password}}`).expect(204);
    });
  });

  describe('email addresses', () => {
    const refused = [
      'ada\u2028lovelace@example.com',
      'ada\u2029lovelace@example.com',
      'ada\u0085lovelace@example.com',
      'ada@exam\u2028ple.com',
      '"=?utf-8?q?evil=40attacker.example?="@example.com',
      '=?utf-8?q?evil=40attacker.example?=@example.com',
      '=?utf-8?b?ZXZpbEBhdHRhY2tlci5leGFtcGxl?=@example.com',
      '"ada"@example.com',
      '"ada lovelace"@example.com',
      '"evil@attacker.example x"@example.com',
    ];

    const expectRefused = (response: { status: number; body: { code?: string } }) => {
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    };

    it('I4: login refuses addresses with line separators, quoted or encoded-word local parts', async () => {
      for (const email of refused) {
        expectRefused(await t.http.post('/api/auth/login').send({ email, password: 'whatever-1' }));
      }
    });

    it('I4: an administrator cannot create a user with such an address', async () => {
      const admin = await createAccountWithUser(t, 'admin');
      const { accessToken } = await signIn(t, admin);
      for (const email of refused) {
        expectRefused(
          await t
            .as(accessToken)
            .post('/api/admin/users')
            .send({ email, name: 'Eve', password: 'long enough password', role: 'member' }),
        );
      }
      const users = await t.as(accessToken).get('/api/admin/users').expect(200);
      expect(users.body.items.map((u: { email: string }) => u.email)).toEqual([admin.email]);
    });

    it('I4: email factor setup refuses such an address and mails nothing', async () => {
      const user = await createAccountWithUser(t, 'member');
      const { accessToken } = await signIn(t, user);
      const before = t.mail.messages.length;
      for (const email of refused) {
        expectRefused(
          await t
            .as(accessToken)
            .post('/api/me/two-factor/email')
            .send({ password: user.password, email }),
        );
      }
      expect(t.mail.messages.length).toBe(before);
      // An ordinary address still works.
      await enableEmailMethod(t, user, accessToken, `plain-${user.id.slice(0, 8)}@example.org`);
    });
  });

  describe('device names', () => {
    async function rememberAs(user: TestUser, secret: string, deviceName: string) {
      const { challengeToken } = await startChallenge(t, user);
      const verified = await t.http
        .post('/api/auth/two-factor/verify')
        .set('User-Agent', FIREFOX_MAC)
        .send({
          challengeToken,
          code: totpCode(secret, t.clock.now().getTime()),
          rememberDevice: true,
          deviceName,
        })
        .expect(200);
      t.clock.advance(30_000);
      return verified.body.accessToken as string;
    }

    it('I4: bidirectional controls and invisible characters are taken out of device names; a name with nothing visible left gets the default', async () => {
      const { user, secret } = await userWithMethods(t, ['totp']);
      const given: [string, string][] = [
        ['\u202Eevil.exe\u202C', 'evil.exe'],
        ['Work\u2066 laptop\u2069 \u200Eone\u200F\u061C', 'Work laptop one'],
        ['Pay\u200Bpal\u2060 \u00AD', 'Paypal'],
        ['\u200B\u200C\u200D\uFEFF', 'Firefox on macOS'],
        [' \u3164 \u2800 \u115F\u00A0\u3000', 'Firefox on macOS'],
        ['\u202A\u202B\u202D\u2067\u2068', 'Firefox on macOS'],
      ];
      let token = '';
      for (const [name] of given) token = await rememberAs(user, secret, name);

      const listed = await t.as(token).get('/api/me/trusted-devices').expect(200);
      const names = (listed.body as { name: string }[]).map((device) => device.name).reverse();
      expect(names).toEqual(given.map(([, shown]) => shown));

      const mails = t.mail.messages.filter(
        (mail) => mail.to.includes(user.email) && /remembered/i.test(mail.subject),
      );
      expect(mails).toHaveLength(given.length);
      given.forEach(([, shown], i) => {
        expect(mails[i].text).toContain(`: ${shown}.`);
        expect(mails[i].text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u061C]/);
      });
      const stored = await t.app
        .get(DataSource)
        .getRepository(TrustedDevice)
        .findBy({ userId: user.id });
      expect(stored.map((device) => device.name).sort()).toEqual(
        given.map(([, shown]) => shown).sort(),
      );
    });
  });
});

describe('Request timeouts', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ REQUEST_TIMEOUT: '1s' });
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  /**
   * Sends `head` at once, then one byte of `trickle` every 200 ms; answers what came back and
   * when the server closed the connection (or gave up waiting after `waitMs`).
   */
  function trickle(head: string, trickled: string, waitMs: number) {
    return new Promise<{ answer: string; closedAfterMs: number | null }>((resolve) => {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < trickled.length && socket.writable) socket.write(trickled[sent++]);
      }, 200);
      const finish = (closedAfterMs: number | null) => {
        clearInterval(timer);
        clearTimeout(giveUp);
        socket.destroy();
        resolve({ answer, closedAfterMs });
      };
      const giveUp = setTimeout(() => finish(null), waitMs);
      socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
      socket.on('error', () => undefined);
      socket.on('close', () => finish(Date.now() - started));
      socket.write(head);
    });
  }

  it('I2: a body trickled slower than the request timeout is answered 408 REQUEST_TIMEOUT and closed', async () => {
    const body = JSON.stringify({ email: 'slow@example.com', password: 'whatever-1' });
    const { answer, closedAfterMs } = await trickle(
      'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\n\r\n`,
      body,
      8_000,
    );
    expect(closedAfterMs).not.toBeNull();
    // 1 s allowed, checked every second: closed well before the body could have been sent.
    expect(closedAfterMs!).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs!).toBeLessThan(4_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
    // The route that was reading the body gives up quietly.
    expect(t.logs.lines.filter((line) => line.startsWith('error'))).toEqual([]);
  });

  it('I2: headers trickled slower than the request timeout are answered 408 and closed', async () => {
    const { answer, closedAfterMs } = await trickle(
      'GET /api/health HTTP/1.1\r\n',
      'Host: localhost\r\nX-Slow: ' + 'a'.repeat(60),
      8_000,
    );
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeLessThan(4_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});
