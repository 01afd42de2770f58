import { randomBytes } from 'node:crypto';
import { normalizeIp } from '@nestjs/throttler';
import Redis from 'ioredis';
import type { Test } from 'supertest';
import { totpCode } from './support/independent-totp';
import {
  call,
  codeMailedBy,
  secret32,
  startInstances,
  stopInstances,
  uniqueIp,
  type Instance,
} from './support/instances';
import { SmtpCapture } from './support/smtp-capture';
import { TcpProxy } from './support/tcp';
import { freshDatabaseUrl } from './support/test-database';

/**
 * One instance as a real process whose MariaDB (and Redis) connections go through TcpProxy, so
 * a test can take them away and bring them back under load without touching the shared servers.
 */
const databaseServer = process.env.E2E_DATABASE_URL;
const redisUrl = process.env.E2E_REDIS_URL;
const ADMIN = { email: 'faults-admin@example.com', password: 'faults admin password' };
/** Requests kept in flight by the load loop. */
const IN_FLIGHT = 8;
/** Far below the 5 s connect timeout: an outage must be answered at once, not waited out. */
const FAST_MS = 3_000;

jest.setTimeout(60_000);

interface Outcome {
  label: string;
  started: number;
  ms: number;
  status?: number;
  code?: string;
  error?: string;
}

/** One request's outcome; it gives up after 10 s, so a hang shows as an error, never a stuck test. */
async function timed(label: string, send: () => Test): Promise<Outcome> {
  const started = Date.now();
  try {
    const response = await send().timeout(10_000);
    const { status } = response;
    return { label, started, ms: Date.now() - started, status, code: response.body?.code };
  } catch (error) {
    return { label, started, ms: Date.now() - started, error: String(error) };
  }
}

/**
 * Keeps IN_FLIGHT requests going (round robin over `requests`) until `script` has finished and
 * `stop` is true, and answers every request's outcome.
 */
async function underLoad(
  requests: [string, () => Test][],
  script: (stop: () => void) => Promise<void>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let stopped = false;
  let next = 0;
  const worker = async () => {
    while (!stopped) {
      const [label, send] = requests[next++ % requests.length];
      outcomes.push(await timed(label, send));
    }
  };
  const workers = Array.from({ length: IN_FLIGHT }, worker);
  await script(() => (stopped = true));
  stopped = true;
  await Promise.all(workers);
  return outcomes;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What went wrong in `outcomes`, as lines a failing expectation prints: [] when all is well. */
function problems(outcomes: Outcome[], allowed: (outcome: Outcome) => boolean): string[] {
  return outcomes
    .filter((outcome) => outcome.error || outcome.ms >= FAST_MS || !allowed(outcome))
    .map((o) => `${o.label}: ${o.error ?? `${o.status} ${o.code ?? ''}`} in ${o.ms} ms`);
}

const okOrUnavailable = (outcome: Outcome) =>
  outcome.status === 200 ||
  outcome.status === 201 ||
  (outcome.status === 503 && outcome.code === 'DATABASE_UNAVAILABLE');

(databaseServer ? describe : describe.skip)('Faults under load (C2)', () => {
  let instance: Instance;
  let mail: SmtpCapture;
  let drop: () => Promise<void>;
  let database: TcpProxy;
  let databasePort: number;
  let redisProxy: TcpProxy | undefined;
  let redisPort: number;
  let redis: Redis | undefined;
  let adminToken: string;

  beforeAll(async () => {
    const fresh = await freshDatabaseUrl();
    drop = fresh.drop;
    const server = new URL(fresh.url);
    database = new TcpProxy({ host: server.hostname, port: Number(server.port || 3306) });
    databasePort = await database.listen();
    server.host = `127.0.0.1:${databasePort}`;
    const env: Record<string, string> = {};
    if (redisUrl) {
      const target = new URL(redisUrl);
      redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      redisProxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
      redisPort = await redisProxy.listen();
      env.REDIS_URL = `redis://127.0.0.1:${redisPort}${target.pathname}`;
    }
    mail = new SmtpCapture();
    [instance] = await startInstances(['faults'], {
      ...env,
      DATABASE_URL: server.toString(),
      JWT_SECRET: secret32(),
      ENCRYPTION_KEY: secret32(),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SMTP_URL: (await mail.start()).url,
      TRUST_PROXY: 'loopback',
      // The load comes from one address; the per-IP limit is not what these tests are about.
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    const login = await call(instance, 'post', '/api/auth/login', { body: ADMIN }).expect(200);
    adminToken = login.body.accessToken;
  }, 120_000);

  afterAll(async () => {
    // The SIGTERM test stops the instance itself; stopping it again is harmless.
    await database?.listen(databasePort).catch(() => undefined);
    if (instance) await stopInstances([instance]);
    await mail?.stop();
    await database?.close();
    await redisProxy?.close();
    await drop?.();
    redis?.disconnect();
  });

  /** A member with a password session (no second factor yet). */
  async function member() {
    const tag = randomBytes(5).toString('hex');
    const user = {
      email: `member-${tag}@example.com`,
      password: `pw-${randomBytes(8).toString('hex')}`,
      address: `codes-${tag}@example.org`,
    };
    const created = await call(instance, 'post', '/api/admin/users', {
      token: adminToken,
      body: { email: user.email, password: user.password, name: 'Member', role: 'member' },
    }).expect(201);
    const login = await call(instance, 'post', '/api/auth/login', {
      body: { email: user.email, password: user.password },
    }).expect(200);
    return { ...user, id: created.body.id as string, token: login.body.accessToken as string };
  }

  type Member = Awaited<ReturnType<typeof member>>;

  /** The mixed load: a password login, reads with a session, health, the admin's users list. */
  function mixedLoad(user: Member): [string, () => Test][] {
    const ip = uniqueIp();
    return [
      [
        'login',
        () =>
          call(instance, 'post', '/api/auth/login', {
            ip,
            body: { email: user.email, password: user.password },
          }),
      ],
      ['me', () => call(instance, 'get', '/api/me', { ip, token: user.token })],
      ['health', () => call(instance, 'get', '/api/health', { ip })],
      ['two-factor', () => call(instance, 'get', '/api/me/two-factor', { ip, token: user.token })],
      ['users', () => call(instance, 'get', '/api/admin/users?limit=5', { ip, token: adminToken })],
    ];
  }

  /** The methods as the user sees them and as the administrator sees them: they must agree. */
  async function methodsSeen(user: Member) {
    const own = await call(instance, 'get', '/api/me/two-factor', { token: user.token }).expect(
      200,
    );
    const admin = await call(instance, 'get', `/api/admin/users/${user.id}`, {
      token: adminToken,
    }).expect(200);
    const mine = (['email', 'totp'] as const).filter((method) => own.body[method].enabled);
    expect([...admin.body.twoFactor.methods].sort()).toEqual(mine);
    return mine;
  }

  async function waitForHealth(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const health = await call(instance, 'get', '/api/health');
      if (health.status === 200) return;
      if (Date.now() > deadline) throw new Error(`health still ${health.status}`);
      await sleep(200);
    }
  }

  it('C2: the database cut and restored under load: every request answers at once, 503 DATABASE_UNAVAILABLE or success, never a 500 or a hang; it recovers without a restart', async () => {
    const user = await member();
    let cutAt = 0;
    let restoredAt = 0;
    const outcomes = await underLoad(mixedLoad(user), async () => {
      await sleep(1_000);
      cutAt = Date.now();
      await database.close();
      await sleep(2_500);
      await database.listen(databasePort);
      restoredAt = Date.now();
      await sleep(1_500);
    });

    expect(problems(outcomes, okOrUnavailable)).toEqual([]);
    const during = outcomes.filter((o) => o.started > cutAt + 200 && o.started < restoredAt);
    expect(during.length).toBeGreaterThan(IN_FLIGHT);
    expect(during.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.started < cutAt && o.status === 200).length).toBeGreaterThan(0);

    await waitForHealth();
    const after = await call(instance, 'post', '/api/auth/login', {
      body: { email: user.email, password: user.password },
    }).expect(200);
    await call(instance, 'get', '/api/me', { token: after.body.accessToken }).expect(200);
    await call(instance, 'get', '/api/admin/users', { token: adminToken }).expect(200);
  });

  it('C2: an app enrolment confirmed and an email method removed while the database goes away either happened or not, nothing half written', async () => {
    // Users with an app enrolment waiting for its code, and users with email codes to remove.
    const enrolling = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const user = await member();
        const enrolment = await call(instance, 'post', '/api/me/two-factor/totp', {
          token: user.token,
          body: { password: user.password },
        }).expect(201);
        return { user, secret: enrolment.body.secret as string };
      }),
    );
    const removing: Member[] = [];
    for (let i = 0; i < 4; i++) {
      const user = await member();
      const code = await codeMailedBy(mail, user.address, () =>
        call(instance, 'post', '/api/me/two-factor/email', {
          token: user.token,
          body: { password: user.password, email: user.address },
        }).expect(202),
      );
      await call(instance, 'post', '/api/me/two-factor/email/confirm', {
        token: user.token,
        body: { code },
      }).expect(200);
      removing.push(user);
    }

    const writes: Promise<Outcome>[] = [];
    const send = (label: string, request: () => Test, delay: number) =>
      writes.push(sleep(delay).then(() => timed(label, request)));
    const outcomes = await underLoad(mixedLoad(removing[0]), async () => {
      await sleep(500);
      // The writes go out 40 ms apart across the cut (at 150 ms): under this load some finish
      // before it, some are refused after it, and any in between meet it mid-way.
      enrolling.forEach(({ user, secret }, i) =>
        send(
          'totp/confirm',
          () =>
            call(instance, 'post', '/api/me/two-factor/totp/confirm', {
              token: user.token,
              body: { code: totpCode(secret, Date.now()) },
            }),
          i * 80,
        ),
      );
      removing.forEach((user, i) =>
        send(
          'delete email',
          () =>
            call(instance, 'delete', '/api/me/two-factor/email', {
              token: user.token,
              body: { password: user.password },
            }),
          40 + i * 80,
        ),
      );
      await sleep(150);
      await database.close();
      await sleep(1_500);
      await database.listen(databasePort);
      await sleep(500);
    });
    const written = await Promise.all(writes);
    const allowed = (o: Outcome) => okOrUnavailable(o) || o.status === 204;
    expect(problems([...outcomes, ...written], allowed)).toEqual([]);
    await waitForHealth();

    for (const [i, { user, secret }] of enrolling.entries()) {
      const methods = await methodsSeen(user);
      if (written[i].status === 200) expect(methods).toEqual(['totp']);
      if (methods.length === 0) {
        // Not confirmed: the enrolment can simply be finished now.
        await call(instance, 'post', '/api/me/two-factor/totp/confirm', {
          token: user.token,
          body: { code: totpCode(secret, Date.now()) },
        }).expect(200);
        expect(await methodsSeen(user)).toEqual(['totp']);
      }
      const login = await call(instance, 'post', '/api/auth/login', {
        body: { email: user.email, password: user.password },
      }).expect(200);
      expect([login.body.status, login.body.method]).toEqual(['two_factor_required', 'totp']);
    }
    for (const [i, user] of removing.entries()) {
      const methods = await methodsSeen(user);
      const removed = written[enrolling.length + i].status === 204;
      if (removed) expect(methods).toEqual([]);
      const login = await call(instance, 'post', '/api/auth/login', {
        body: { email: user.email, password: user.password },
      }).expect(200);
      expect(login.body.status).toBe(methods.length ? 'two_factor_required' : 'authenticated');
    }
  });

  (redisUrl ? it : it.skip)(
    'B4/C2: Redis cut and restored under load: logins keep working at once (counted per instance meanwhile), and shared counting resumes by itself',
    async () => {
      const user = await member();
      const ip = uniqueIp();
      const login = () =>
        call(instance, 'post', '/api/auth/login', {
          ip,
          body: { email: user.email, password: user.password },
        });
      let cutAt = 0;
      let restoredAt = 0;
      const outcomes = await underLoad(
        [
          ['login', login],
          ['me', () => call(instance, 'get', '/api/me', { ip, token: user.token })],
        ],
        async () => {
          await sleep(500);
          cutAt = Date.now();
          await redisProxy!.close();
          await sleep(2_500);
          await redisProxy!.listen(redisPort);
          restoredAt = Date.now();
          await sleep(500);
        },
      );
      expect(problems(outcomes, (o) => o.status === 200)).toEqual([]);
      expect(
        outcomes.filter((o) => o.label === 'login' && o.started > cutAt && o.started < restoredAt)
          .length,
      ).toBeGreaterThan(IN_FLIGHT);

      // Back in Redis: a login from a new address is counted there again, within seconds.
      const deadline = Date.now() + 15_000;
      const fresh = uniqueIp();
      for (;;) {
        await call(instance, 'post', '/api/auth/login', {
          ip: fresh,
          body: { email: user.email, password: user.password },
        }).expect(200);
        // The key holds the client's /64, as the throttler counts IPv6 per network.
        const keys = await redis!.keys(`gatekeeper:rate-limit:*${normalizeIp(fresh)}*`);
        if (keys.length > 0) break;
        if (Date.now() > deadline) throw new Error('no rate-limit key in Redis after it came back');
        await sleep(500);
      }
    },
  );

  // Last: it stops the instance the tests above share.
  it('SIGTERM under load: every request in flight gets its HTTP answer, then the process exits 0', async () => {
    const user = await member();
    const inFlight = new Set<Promise<void>>();
    const outcomes: Outcome[] = [];
    let signalled = false;
    const loop = async ([label, send]: [string, () => Test]) => {
      while (!signalled) {
        const started = Date.now();
        const request = send()
          .timeout(10_000)
          .then(
            (response) => {
              outcomes.push({ label, started, ms: Date.now() - started, status: response.status });
            },
            (error: unknown) => {
              outcomes.push({ label, started, ms: Date.now() - started, error: String(error) });
            },
          );
        inFlight.add(request);
        await request;
        inFlight.delete(request);
      }
    };
    const load = mixedLoad(user);
    const workers = Array.from({ length: IN_FLIGHT }, (_, i) => loop(load[i % load.length]));
    await sleep(1_500);
    const pending = inFlight.size;
    instance.main.signal('SIGTERM');
    signalled = true; // no new requests after the signal; the ones in flight must be answered
    await Promise.all(workers);
    const run = await instance.main.exited;

    expect(pending).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.error).map((o) => `${o.label}: ${o.error}`)).toEqual([]);
    expect(outcomes.filter((o) => o.status !== 200).map((o) => `${o.label}: ${o.status}`)).toEqual(
      [],
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SIGTERM: shutting down');
  });
});
