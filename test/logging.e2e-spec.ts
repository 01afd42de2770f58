import { loadConfig } from 'src/config/app-config';
import { AppLogger } from 'src/logging/app-logger';
import { createRootLogger } from 'src/logging/logging.module';
import { createAccountWithUser, signIn } from './support/factories';
import { totpCode } from './support/independent-totp';
import { CapturedLogs, startTestApp, type TestApp } from './support/test-app';
import {
  enableEmailMethod,
  enableTotpMethod,
  nextTotpStep,
  startChallenge,
} from './support/two-factor';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Logs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** The line written when the request with this id ended. */
  const requestLine = (requestId: string) =>
    t.logs.records.find((record) => record.requestId === requestId && 'status' in record);

  it('L2: requests are logged, but never a password, code, secret, recovery code or token', async () => {
    const user = await createAccountWithUser(t, 'member');
    const session = await signIn(t, user);
    const secret = await enableTotpMethod(t, user, session.accessToken);
    await enableEmailMethod(t, user, session.accessToken, 'logged@example.org');
    const emailCode = t.mail.latestCodeFor('logged@example.org');
    const recovery = await t
      .as(session.accessToken)
      .post('/api/me/recovery-codes')
      .send({ password: user.password })
      .expect(200);
    nextTotpStep(t);
    const { challengeToken } = await startChallenge(t, user);
    const totp = totpCode(secret, t.clock.now().getTime());
    const verified = await t.http
      .post(`/api/auth/two-factor/verify?token=${challengeToken}`)
      .send({ challengeToken, code: totp, rememberDevice: true })
      .expect(200);
    await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: 'a-wrong-password' })
      .expect(401);

    const logs = t.logs.text();
    expect(t.logs.lines).toContainEqual(expect.stringMatching(/^log POST \/api\/auth\/login 200/));
    expect(t.logs.lines).toContainEqual(
      expect.stringMatching(/^log POST \/api\/auth\/two-factor\/verify 200/),
    );
    const secrets = [
      user.password,
      'a-wrong-password',
      user.email,
      secret,
      totp,
      emailCode,
      ...(recovery.body.codes as string[]),
      session.accessToken,
      session.refreshToken,
      challengeToken,
      verified.body.deviceToken as string,
      verified.body.refreshToken as string,
    ];
    for (const value of secrets) expect(logs).not.toContain(value);
  });

  it('one line per request: method, route pattern, status, duration, request id and account id, nothing else', async () => {
    const admin = await createAccountWithUser(t, 'admin');
    const { accessToken } = await signIn(t, admin);
    const response = await t
      .as(accessToken)
      .get(`/api/admin/users/${admin.id}?secret=in-the-query`)
      .set('X-Request-Id', 'edge-7f3a.1_b')
      .set('X-Custom', 'a-header-value')
      .expect(200);
    expect(response.headers['x-request-id']).toBe('edge-7f3a.1_b');

    const lines = t.logs.records.filter((record) => record.requestId === 'edge-7f3a.1_b');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toEqual({
      level: 'info',
      time: expect.any(String),
      requestId: 'edge-7f3a.1_b',
      method: 'GET',
      route: '/api/admin/users/:id',
      status: 200,
      durationMs: expect.any(Number),
      accountId: admin.accountId,
      msg: 'GET /api/admin/users/:id 200',
    });
    // The path as sent, its query and the headers stay out.
    expect(JSON.stringify(line)).not.toMatch(new RegExp(`${admin.id}|in-the-query|a-header-value`));
  });

  it('a missing or malformed X-Request-Id is replaced by a generated one, returned in the response', async () => {
    for (const given of [undefined, 'x'.repeat(65), 'has space', 'new\\nline', 'ünïcode']) {
      const request = t.http.get('/api/health/live');
      if (given !== undefined) request.set('X-Request-Id', given);
      const response = await request.expect(200);
      const id: string = response.headers['x-request-id'];
      expect(id).toMatch(UUID);
      expect(requestLine(id)).toMatchObject({ route: '/api/health/live', status: 200 });
    }
    const unmatched = await t.http
      .get('/api/no-such-route')
      .set('X-Request-Id', 'r-404')
      .expect(404);
    expect(unmatched.headers['x-request-id']).toBe('r-404');
    expect(requestLine('r-404')).toMatchObject({ route: null, msg: 'GET (no route) 404' });
  });

  it('L1: the audit event of a request carries its request id', async () => {
    const admin = await createAccountWithUser(t, 'admin');
    await t.http
      .post('/api/auth/login')
      .set('X-Request-Id', 'audited-login-1')
      .send({ email: admin.email, password: admin.password })
      .expect(200);
    const { accessToken } = await signIn(t, admin);
    const events = await t
      .as(accessToken)
      .get(`/api/admin/audit-events?userId=${admin.id}&type=login.succeeded`)
      .expect(200);
    const requestIds = (events.body.items as { requestId: string | null }[]).map(
      (event) => event.requestId,
    );
    expect(requestIds).toContain('audited-login-1');
    expect(requestIds.every((id) => id !== null)).toBe(true);
  });

  it('L2: fields named like secrets are blanked in anything logged', () => {
    const logs = new CapturedLogs();
    const logger = new AppLogger(createRootLogger(loadConfig({ NODE_ENV: 'test' }), logs));
    logger.log({
      password: 'pw-logged-by-mistake',
      user: { token: 'tk-logged-by-mistake', code: '123456' },
      request: { headers: { authorization: 'Bearer ab' }, body: { secret: 'body-secret' } },
    });
    expect(logs.text()).not.toMatch(/pw-logged|tk-logged|123456|Bearer ab|body-secret/);
    expect(logs.text()).toContain('[redacted]');
  });
});

describe('Logs within a request', () => {
  it('every line a request logs carries its request id', async () => {
    const t = await startTestApp();
    try {
      const user = await createAccountWithUser(t, 'member');
      const { accessToken } = await signIn(t, user);
      await enableEmailMethod(t, user, accessToken, 'unreachable@example.org');
      await t.mail.stop();
      // The code cannot be mailed: the mail module logs why, inside the request.
      await t.http
        .post('/api/auth/login')
        .set('X-Request-Id', 'mail-down-1')
        .send({ email: user.email, password: user.password })
        .expect(503);
      const lines = t.logs.records.filter((record) => record.requestId === 'mail-down-1');
      expect(lines.map((line) => [line.level, line.context ?? 'request'])).toEqual([
        ['error', 'Mail'],
        ['error', 'request'],
      ]);
      expect(t.logs.records.filter((record) => record.context === 'Mail')).toEqual(
        lines.slice(0, 1),
      );
    } finally {
      await t.close();
    }
  });
});
