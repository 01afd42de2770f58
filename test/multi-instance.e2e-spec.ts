import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { Response } from 'supertest';
import { totpCode } from './support/independent-totp';
import {
  call,
  codeMailedBy,
  secret32,
  startInstances,
  stopInstances,
  uniqueIp,
  wrongCode,
  type Instance,
} from './support/instances';
import { inParallel, statusCounts } from './support/parallel';
import { SmtpCapture } from './support/smtp-capture';
import { freshDatabaseUrl } from './support/test-database';

/**
 * Two instances as real processes (src/main.ts) on their own ports, over one MariaDB database
 * and one Redis database, sharing their secrets: whatever one writes or counts the other sees.
 */
const databaseServer = process.env.E2E_DATABASE_URL;
const redisUrl = process.env.E2E_REDIS_URL;
const LIMIT = 5;
const ADMIN = { email: 'multi-admin@example.com', password: 'multi admin password' };
const PUBLIC_ORIGIN = 'http://localhost:8080';

// Each test does a few dozen requests; the processes start once for the file.
jest.setTimeout(60_000);

(databaseServer && redisUrl ? describe : describe.skip)(
  'Two instances over one MariaDB and Redis',
  () => {
    let a: Instance;
    let b: Instance;
    let mail: SmtpCapture;
    let drop: () => Promise<void>;
    let redis: Redis;
    let adminToken: string;
    let adminSecret: string;

    beforeAll(async () => {
      redis = new Redis(redisUrl!, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      await redis.flushdb(); // only the test's own Redis database
      const database = await freshDatabaseUrl();
      drop = database.drop;
      mail = new SmtpCapture();
      const { url: smtpUrl } = await mail.start();
      [a, b] = await startInstances(['a', 'b'], {
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl!,
        JWT_SECRET: secret32(),
        ENCRYPTION_KEY: secret32(),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        SMTP_URL: smtpUrl,
        TRUST_PROXY: 'loopback',
        // Both instances sit behind one public address, the origin every panel POST names (A6).
        PUBLIC_URL: PUBLIC_ORIGIN,
        RATE_LIMIT_PER_MINUTE: String(LIMIT),
      });

      // The administrator sets up an app on A (code of the previous step), then signs in on B
      // (current step); the next step is kept for the panel.
      const password = await call(a, 'post', '/api/auth/login', { body: ADMIN }).expect(200);
      expect(password.body.status).toBe('authenticated');
      const enrolment = await call(a, 'post', '/api/me/two-factor/totp', {
        token: password.body.accessToken,
        body: { password: ADMIN.password },
      }).expect(201);
      adminSecret = enrolment.body.secret;
      await call(a, 'post', '/api/me/two-factor/totp/confirm', {
        token: password.body.accessToken,
        body: { code: totpCode(adminSecret, Date.now(), -1) },
      }).expect(200);
      const challenge = await call(b, 'post', '/api/auth/login', { body: ADMIN }).expect(200);
      const session = await call(b, 'post', '/api/auth/two-factor/verify', {
        body: {
          challengeToken: challenge.body.challengeToken,
          code: totpCode(adminSecret, Date.now()),
        },
      }).expect(200);
      adminToken = session.body.accessToken;
    }, 180_000);

    afterAll(async () => {
      const codes = await stopInstances([a, b].filter(Boolean));
      await mail?.stop();
      await drop?.();
      await redis?.flushdb();
      redis?.disconnect();
      expect(codes).toEqual([0, 0]);
    });

    /** A member created by the administrator on A, with email codes set up on B. */
    async function memberWithEmailCodes() {
      const tag = randomBytes(5).toString('hex');
      const member = {
        email: `member-${tag}@example.com`,
        password: `pw-${randomBytes(8).toString('hex')}`,
        address: `codes-${tag}@example.org`,
      };
      const created = await call(a, 'post', '/api/admin/users', {
        token: adminToken,
        body: { email: member.email, password: member.password, name: 'Member', role: 'member' },
      }).expect(201);
      const login = await call(b, 'post', '/api/auth/login', {
        body: { email: member.email, password: member.password },
      }).expect(200);
      const token = login.body.accessToken as string;
      const code = await codeMailedBy(mail, member.address, () =>
        call(b, 'post', '/api/me/two-factor/email', {
          token,
          body: { password: member.password, email: member.address },
        }).expect(202),
      );
      await call(b, 'post', '/api/me/two-factor/email/confirm', { token, body: { code } }).expect(
        200,
      );
      return { ...member, id: created.body.id as string };
    }

    type Member = Awaited<ReturnType<typeof memberWithEmailCodes>>;

    /** Password on `on`; answers the challenge token and the code mailed for it. */
    async function challengeOn(on: Instance, member: Member, extra: object = {}) {
      let challengeToken = '';
      const code = await codeMailedBy(mail, member.address, async () => {
        const login = await call(on, 'post', '/api/auth/login', {
          body: { email: member.email, password: member.password, ...extra },
        }).expect(200);
        expect(login.body.status).toBe('two_factor_required');
        challengeToken = login.body.challengeToken;
      });
      return { challengeToken, code };
    }

    const verify = (on: Instance, body: object) =>
      call(on, 'post', '/api/auth/two-factor/verify', { body });

    it('C1: a challenge started on A verifies on B, and the session works on both (authenticator app)', async () => {
      const member = await memberWithEmailCodes();
      // An emailed code asked for on A passes on B; the app set up across the two does too.
      const { challengeToken, code } = await challengeOn(a, member);
      const session = await verify(b, { challengeToken, code }).expect(200);
      const enrolment = await call(a, 'post', '/api/me/two-factor/totp', {
        token: session.body.accessToken,
        body: { password: member.password },
      }).expect(201);
      const secret = enrolment.body.secret as string;
      await call(b, 'post', '/api/me/two-factor/totp/confirm', {
        token: session.body.accessToken,
        body: { code: totpCode(secret, Date.now(), -1) },
      }).expect(200);

      const login = await call(a, 'post', '/api/auth/login', {
        body: { email: member.email, password: member.password },
      }).expect(200);
      // Email was used last; switching to the app on A and answering on B works too.
      expect(login.body.method).toBe('email');
      await call(a, 'post', '/api/auth/two-factor/method', {
        body: { challengeToken: login.body.challengeToken, method: 'totp' },
      }).expect(200);
      const verified = await verify(b, {
        challengeToken: login.body.challengeToken,
        code: totpCode(secret, Date.now()),
      }).expect(200);
      for (const on of [a, b]) {
        const me = await call(on, 'get', '/api/me', { token: verified.body.accessToken }).expect(
          200,
        );
        expect(me.body.email).toBe(member.email);
      }
    });

    it('E3: an email code sent by A is accepted on B exactly once', async () => {
      const member = await memberWithEmailCodes();
      const { challengeToken, code } = await challengeOn(a, member);
      await verify(b, { challengeToken, code }).expect(200);
      const again = await verify(a, { challengeToken, code });
      expect(again.status).toBe(401);
      const againOnB = await verify(b, { challengeToken, code });
      expect(againOnB.status).toBe(401);
    });

    it('E3/B6: 20 parallel submissions of one emailed code, split across A and B, give exactly one session', async () => {
      const member = await memberWithEmailCodes();
      const { challengeToken, code } = await challengeOn(b, member);
      const run = await inParallel(
        Array.from({ length: 20 }, (_, i) => () => verify(i % 2 ? a : b, { challengeToken, code })),
      );
      expect(run.maxInFlight).toBeGreaterThan(5);
      const counts = statusCounts(run.responses);
      expect(counts[200]).toBe(1);
      expect(run.responses.every((response) => response.status < 500)).toBe(true);
      // The one session is real on both instances.
      const session = run.responses.find((response) => response.status === 200)!;
      for (const on of [a, b]) {
        await call(on, 'get', '/api/me', { token: session.body.accessToken }).expect(200);
      }
    });

    it('B2: the lockout counts failures on both instances: 10 wrong codes split across A and B lock the second factor', async () => {
      const member = await memberWithEmailCodes();
      const answers: string[] = [];
      for (const [start, other] of [
        [a, b],
        [b, a],
      ]) {
        const { challengeToken, code } = await challengeOn(start, member);
        for (let i = 0; i < 5; i++) {
          const wrong = await verify(i % 2 ? other : start, {
            challengeToken,
            code: wrongCode(code),
          });
          answers.push(`${wrong.status} ${wrong.body.code}`);
        }
      }
      // Each challenge dies at its 5th wrong code; those 10 failures lock the second factor.
      const round = [...Array<string>(4).fill('401 INVALID_CODE'), '429 TOO_MANY_ATTEMPTS'];
      expect(answers).toEqual([...round, ...round]);
      // The right code of a new challenge, on either instance, is refused unchecked.
      const login = await call(a, 'post', '/api/auth/login', {
        body: { email: member.email, password: member.password },
      }).expect(200);
      const code = mail.latestCodeFor(member.address);
      for (const on of [b, a]) {
        const locked = await verify(on, { challengeToken: login.body.challengeToken, code });
        expect([locked.status, locked.body.code]).toEqual([429, 'TOO_MANY_ATTEMPTS']);
      }
    });

    it('B4: per-IP rate limits count across both instances (shared through Redis)', async () => {
      // Fixed one-minute windows: start well inside one, so the five hits share a window.
      const intoWindow = Date.now() % 60_000;
      if (intoWindow > 50_000)
        await new Promise((resolve) => setTimeout(resolve, 61_000 - intoWindow));
      const ip = uniqueIp();
      const guess = { email: 'nobody@example.com', password: 'a wrong password' };
      const tooMany = (response: Response) =>
        expect([response.status, response.body.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
      for (const on of [a, b, a, b, a]) {
        const refused = await call(on, 'post', '/api/auth/login', { ip, body: guess });
        expect([refused.status, refused.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
      }
      tooMany(await call(b, 'post', '/api/auth/login', { ip, body: guess }));
      tooMany(await call(a, 'post', '/api/auth/login', { ip, body: ADMIN }));
      // Another client is not held back.
      await call(b, 'post', '/api/auth/login', { body: ADMIN }).expect(200);
      expect(await redis.keys('gatekeeper:rate-limit:*')).not.toEqual([]);
    });

    it('S4/A3: an administrator reset on A ends the user’s sessions on B at once', async () => {
      const member = await memberWithEmailCodes();
      const { challengeToken, code } = await challengeOn(b, member);
      const session = await verify(b, { challengeToken, code }).expect(200);
      await call(b, 'get', '/api/me', { token: session.body.accessToken }).expect(200);

      await call(a, 'post', `/api/admin/users/${member.id}/two-factor/reset`, {
        token: adminToken,
      }).expect(204);

      const me = await call(b, 'get', '/api/me', { token: session.body.accessToken });
      expect(me.status).toBe(401);
      const refresh = await call(b, 'post', '/api/auth/refresh', {
        body: { refreshToken: session.body.refreshToken },
      });
      expect(refresh.status).toBe(401);
      const view = await call(b, 'get', `/api/admin/users/${member.id}`, { token: adminToken });
      expect(view.body.twoFactor).toEqual({ enabled: false, methods: [] });
    });

    it('D1/D2/D3: a trusted device registered on A skips the second factor on B; removed on B, it is refused on A', async () => {
      const member = await memberWithEmailCodes();
      const { challengeToken, code } = await challengeOn(a, member);
      const remembered = await verify(a, { challengeToken, code, rememberDevice: true }).expect(
        200,
      );
      const deviceToken = remembered.body.deviceToken as string;
      expect(deviceToken).toBeTruthy();

      const skipped = await call(b, 'post', '/api/auth/login', {
        body: { email: member.email, password: member.password, deviceToken },
      }).expect(200);
      expect(skipped.body.status).toBe('authenticated');

      const token = skipped.body.accessToken as string;
      const devices = await call(b, 'get', '/api/me/trusted-devices', { token }).expect(200);
      expect(devices.body).toHaveLength(1);
      await call(b, 'delete', `/api/me/trusted-devices/${devices.body[0].id}`, { token }).expect(
        204,
      );
      const asked = await call(a, 'post', '/api/auth/login', {
        body: { email: member.email, password: member.password, deviceToken },
      }).expect(200);
      expect(asked.body.status).toBe('two_factor_required');
    });

    it('A5: an admin panel session opened on A (password, then app code) works on B; signing out on B ends it on A', async () => {
      const ip = uniqueIp();
      const cookieOf = (response: Response) => {
        const cookie = ([] as string[])
          .concat(response.headers['set-cookie'] ?? [])
          .find((value) => value.startsWith('gk_panel='));
        if (!cookie) throw new Error(`no panel cookie in ${JSON.stringify(response.headers)}`);
        return cookie.split(';')[0];
      };
      const first = await call(a, 'post', '/admin/login', { ip })
        .set('Origin', PUBLIC_ORIGIN)
        .type('form')
        .send({ email: ADMIN.email, password: ADMIN.password })
        .expect(302);
      const second = await call(a, 'post', '/admin/login/code', { ip })
        .set('Origin', PUBLIC_ORIGIN)
        .set('Cookie', cookieOf(first))
        .type('form')
        .send({ code: totpCode(adminSecret, Date.now(), 1) })
        .expect(302);
      expect(second.headers.location).toBe('/admin');
      const cookie = cookieOf(second);

      const list = (on: Instance) =>
        call(on, 'get', '/admin/api/resources/users/actions/list', { ip })
          .set('Cookie', cookie)
          .set('Sec-Fetch-Site', 'same-origin');
      for (const on of [b, a]) {
        const answer = await list(on).expect(200);
        const emails = answer.body.records.map(
          (r: { params: { email: string } }) => r.params.email,
        );
        expect(emails).toContain(ADMIN.email);
      }
      await call(b, 'post', '/admin/logout', { ip })
        .set('Origin', PUBLIC_ORIGIN)
        .set('Cookie', cookie)
        .expect(302);
      expect((await list(a)).status).toBe(401);
    });
  },
);
