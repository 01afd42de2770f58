import { Logger } from '@nestjs/common';
import type { Response } from 'supertest';
import { RATE_LIMIT_WINDOW_MS } from 'src/rate-limit/per-ip-limits';
import { createAccountWithUser, type TestUser } from './support/factories';
import { uniqueIp } from './support/instances';
import { closedPort, TcpProxy } from './support/tcp';
import { startTestApp, type TestApp } from './support/test-app';

const LIMIT = '3';

function login(t: TestApp, user: TestUser, forwardedFor?: string) {
  const call = t.http.post('/api/auth/login');
  if (forwardedFor) void call.set('X-Forwarded-For', forwardedFor);
  return call.send({ email: user.email, password: user.password });
}

function expectTooMany(response: Response): void {
  expect(response.status).toBe(429);
  expect(response.body.code).toBe('TOO_MANY_REQUESTS');
  expect(response.body.retryAfter).toBeGreaterThanOrEqual(1);
  expect(response.body.retryAfter).toBeLessThanOrEqual(60);
  expect(response.headers['retry-after']).toBe(String(response.body.retryAfter));
}

describe('B4: per-IP rate limits, in memory', () => {
  let t: TestApp;
  let user: TestUser;
  // The throttler's in-memory storage keeps time with Date.now, not the app's clock.
  let shift = 0;
  const realNow = Date.now.bind(Date);
  const nextWindow = () => (shift += RATE_LIMIT_WINDOW_MS);

  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + shift);
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: LIMIT });
    user = await createAccountWithUser(t, 'member');
  });
  afterAll(async () => {
    await t.close();
    jest.restoreAllMocks();
  });
  // Every test starts in a fresh window.
  beforeEach(nextWindow);

  it('B4: the 4th login in a minute from one IP answers 429 with Retry-After, and the next window is open again', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await login(t, user).expect(200);
      expect(response.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    expectTooMany(await login(t, user));
    // Refused even with the right password: the limit comes before the password check.
    expectTooMany(await login(t, user));

    nextWindow();
    await login(t, user).expect(200);
  });

  it('B4: login, verify, method switch and resend each have their own bucket', async () => {
    for (let i = 0; i < 3; i++) await login(t, user).expect(200);
    expectTooMany(await login(t, user));

    const routes = [
      ['/api/auth/two-factor/verify', { challengeToken: 'not-a-token', code: '123456' }],
      ['/api/auth/two-factor/method', { challengeToken: 'not-a-token', method: 'email' }],
      ['/api/auth/two-factor/resend', { challengeToken: 'not-a-token' }],
    ] as const;
    for (const [path, body] of routes) {
      for (let i = 0; i < 3; i++) {
        const response = await t.http.post(path).send(body);
        expect([path, response.status, response.body.code]).toEqual([
          path,
          401,
          'CHALLENGE_EXPIRED',
        ]);
      }
      expectTooMany(await t.http.post(path).send(body));
    }
  });

  it('B4: routes without the decorator are not limited', async () => {
    for (let i = 0; i < 5; i++) await t.http.get('/api/health').expect(200);
  });

  it('B4: X-Forwarded-For is ignored without TRUST_PROXY (spoofed addresses share one bucket)', async () => {
    await login(t, user, '198.51.100.1').expect(200);
    await login(t, user, '198.51.100.2').expect(200);
    await login(t, user, '198.51.100.3').expect(200);
    expectTooMany(await login(t, user, '198.51.100.4'));
  });
});

describe('B4: per-IP rate limits behind a trusted proxy', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: LIMIT, TRUST_PROXY: 'loopback' });
    user = await createAccountWithUser(t, 'member');
  });
  afterAll(() => t.close());

  it('B4: with TRUST_PROXY=loopback each X-Forwarded-For client gets its own bucket', async () => {
    for (let i = 0; i < 3; i++) await login(t, user, '198.51.100.1').expect(200);
    expectTooMany(await login(t, user, '198.51.100.1'));
    await login(t, user, '198.51.100.2').expect(200);
  });

  it('B4: IPv6 clients are counted per /64, so rotating addresses inside one network does not help', async () => {
    for (let i = 1; i <= 3; i++) await login(t, user, `2001:db8:7:7::${i}`).expect(200);
    expectTooMany(await login(t, user, '2001:db8:7:7:ffff:ffff:ffff:ffff'));
    await login(t, user, '2001:db8:7:8::1').expect(200);
  });
});

describe('B4: Redis unreachable', () => {
  let t: TestApp;
  let user: TestUser;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn');
    t = await startTestApp({
      RATE_LIMIT_PER_MINUTE: LIMIT,
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    });
    user = await createAccountWithUser(t, 'member');
  });
  afterAll(async () => {
    warn.mockRestore();
    await t.close();
  });

  it('B4: still limits, per instance, with a logged warning (neither closed nor fully open)', async () => {
    for (let i = 0; i < 3; i++) await login(t, user).expect(200);
    expectTooMany(await login(t, user));
    const messages = warn.mock.calls.map(([message]) => String(message));
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Redis unreachable, rate limits counted in this instance only/),
      ]),
    );
  });
});

const redisUrl = process.env.E2E_REDIS_URL;

describe('B4: counters shared through Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    if (!redisUrl) return;
    const env = { RATE_LIMIT_PER_MINUTE: LIMIT, REDIS_URL: redisUrl, TRUST_PROXY: 'loopback' };
    a = await startTestApp(env);
    b = await startTestApp(env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  (redisUrl ? it : it.skip)(
    'B4: with REDIS_URL two instances share one counter (2 logins on A + 2 on B: the 4th is 429)',
    async () => {
      // Wrong passwords, the case B4 is for. (Passport keeps one global 'local' strategy, so with
      // two apps in one process a right password could be checked against the other database.)
      const guess = { email: 'victim@example.com', password: 'guess-password' } as TestUser;
      const ip = uniqueIp();
      const refused = (response: Response) =>
        expect([response.status, response.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);

      refused(await login(a, guess, ip));
      refused(await login(a, guess, ip));
      refused(await login(b, guess, ip));
      expectTooMany(await login(b, guess, ip));
      expectTooMany(await login(a, guess, ip));
    },
  );
});

describe('B4: Redis lost while running', () => {
  let t: TestApp;
  let user: TestUser;
  let proxy: TcpProxy;

  beforeAll(async () => {
    if (!redisUrl) return;
    const redis = new URL(redisUrl);
    proxy = new TcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    t = await startTestApp({
      RATE_LIMIT_PER_MINUTE: LIMIT,
      REDIS_URL: `redis://127.0.0.1:${await proxy.listen()}${redis.pathname}`,
      TRUST_PROXY: 'loopback',
    });
    user = await createAccountWithUser(t, 'member');
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
  });

  (redisUrl ? it : it.skip)(
    'B4: requests neither hang nor fail when Redis goes away; this instance keeps counting',
    async () => {
      const ip = uniqueIp();
      await login(t, user, ip).expect(200);
      await proxy.close();
      // Counted in Redis, the third of these would already be refused (1 + 3 > 3).
      for (let i = 0; i < 3; i++) await login(t, user, ip).expect(200);
      expectTooMany(await login(t, user, ip));
    },
  );
});
