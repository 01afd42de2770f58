import { DataSource } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { createAccountWithUser, createUser, signIn, type TestUser } from './support/factories';
import { totpCode } from './support/independent-totp';
import { startTestApp, type TestApp } from './support/test-app';
import { enableEmailMethod, enableTotpMethod, signInWithApp } from './support/two-factor';

describe('Mandatory 2FA policy', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminSecret: string;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createAccountWithUser(t, 'admin');
    adminSecret = await enableTotpMethod(t, admin, (await signIn(t, admin)).accessToken);
    adminToken = (await signInWithApp(t, admin, adminSecret)).accessToken;
  });
  afterAll(() => t.close());

  const setPolicy = (token: string, twoFactorRequired: unknown) =>
    t.as(token).put('/api/admin/policy').send({ twoFactorRequired });

  it('A2: a member cannot read or change the policy (403)', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    expect((await t.as(token).get('/api/admin/policy')).status).toBe(403);
    const change = await setPolicy(token, true);
    expect(change.status).toBe(403);
    expect(change.body.code).toBe('FORBIDDEN');
  });

  it('A4: an administrator who did not pass a second factor cannot change it', async () => {
    const other = await createAccountWithUser(t, 'admin');
    const token = (await signIn(t, other)).accessToken;
    const response = await setPolicy(token, true);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('SECOND_FACTOR_REQUIRED');
    const policy = await t.as(token).get('/api/admin/policy').expect(200);
    expect(policy.body).toEqual({
      twoFactorRequired: false,
      passwordlessSignIn: true,
      supportApprovalRequired: false,
      mandatoryFrom: null,
      enforced: false,
    });
  });

  it('A1: with the policy on, a user without a method is sent to set one up, through a setup token that opens nothing else', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const before = await signIn(t, member); // a session from before the policy
    await setPolicy(adminToken, true).expect(200);
    try {
      // Existing sessions keep working until their next login.
      await t.as(before.accessToken).get('/api/me').expect(200);

      const login = await t.http
        .post('/api/auth/login')
        .send({ email: member.email, password: member.password })
        .expect(200);
      expect(login.body).toMatchObject({
        status: 'two_factor_setup_required',
        methods: ['email', 'passkey', 'totp'],
      });
      expect(login.body).not.toHaveProperty('accessToken');
      const setupToken = login.body.setupToken as string;

      for (const route of [
        t.http.get('/api/me'),
        t.http.get('/api/admin/users'),
        t.http.post('/api/auth/logout-all'),
      ]) {
        const response = await route.auth(setupToken, { type: 'bearer' });
        expect(response.status).toBe(401);
        expect(response.body.code).toBe('TWO_FACTOR_REQUIRED');
      }
      const status = await t.as(setupToken).get('/api/me/two-factor').expect(200);
      expect(status.body.required).toBe(true);

      // No password needed with a setup token; confirming answers the full session.
      const enrolment = await t.as(setupToken).post('/api/me/two-factor/totp').send({}).expect(201);
      const confirmed = await t
        .as(setupToken)
        .post('/api/me/two-factor/totp/confirm')
        .send({ code: totpCode(enrolment.body.secret as string, t.clock.now().getTime()) })
        .expect(200);
      expect(confirmed.body).toMatchObject({ status: 'authenticated', user: { id: member.id } });
      // Once a method exists, the setup token no longer stands in for the password.
      const again = await t.as(setupToken).post('/api/me/two-factor/totp').send({});
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('TWO_FACTOR_REQUIRED');
      await t
        .as(confirmed.body.accessToken as string)
        .get('/api/me')
        .expect(200);
    } finally {
      await setPolicy(adminToken, false).expect(200);
    }
  });

  it('forced setup works with email codes too', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    await setPolicy(adminToken, true).expect(200);
    try {
      const login = await t.http
        .post('/api/auth/login')
        .send({ email: member.email, password: member.password })
        .expect(200);
      const setupToken = login.body.setupToken as string;
      await t
        .as(setupToken)
        .post('/api/me/two-factor/email')
        .send({ email: 'forced@example.org' })
        .expect(202);
      const confirmed = await t
        .as(setupToken)
        .post('/api/me/two-factor/email/confirm')
        .send({ code: t.mail.latestCodeFor('forced@example.org') })
        .expect(200);
      expect(confirmed.body.status).toBe('authenticated');
      const next = await t.http
        .post('/api/auth/login')
        .send({ email: member.email, password: member.password })
        .expect(200);
      expect(next.body).toMatchObject({ status: 'two_factor_required', method: 'email' });
    } finally {
      await setPolicy(adminToken, false).expect(200);
    }
  });

  it('the last method cannot be removed while mandatory (409), another can; policy off keeps methods', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    await enableTotpMethod(t, member, token);
    await enableEmailMethod(t, member, token, 'second@example.org');
    await setPolicy(adminToken, true).expect(200);
    try {
      await t
        .as(token)
        .delete('/api/me/two-factor/email')
        .send({ password: member.password })
        .expect(204);
      const last = await t
        .as(token)
        .delete('/api/me/two-factor/totp')
        .send({ password: member.password });
      expect(last.status).toBe(409);
      expect(last.body.code).toBe('LAST_METHOD_REQUIRED');
    } finally {
      await setPolicy(adminToken, false).expect(200);
    }
    // Turning the policy off removed nothing: the member is still asked.
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password })
      .expect(200);
    expect(login.body.status).toBe('two_factor_required');
    const policy = await t.as(adminToken).get('/api/admin/policy').expect(200);
    expect(policy.body.twoFactorRequired).toBe(false);
  });

  it('L1: each policy change is audited with the administrator', async () => {
    const events = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .findBy({ type: 'policy.changed', accountId: admin.accountId });
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((event) => event.actorId === admin.id)).toBe(true);
  });

  it('rejects a non-boolean policy with 400', async () => {
    const response = await setPolicy(adminToken, 'yes');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('Platform-wide date (TWO_FACTOR_MANDATORY_FROM)', () => {
  let t: TestApp;

  afterEach(() => t.close());

  it('before the date: not enforced, and the policy says when it starts', async () => {
    t = await startTestApp({ TWO_FACTOR_MANDATORY_FROM: '2099-01-01T00:00:00Z' });
    const admin = await createAccountWithUser(t, 'admin');
    const session = await signIn(t, admin);
    expect(session.status).toBe('authenticated');
    const policy = await t.as(session.accessToken).get('/api/admin/policy').expect(200);
    expect(policy.body).toEqual({
      twoFactorRequired: false,
      passwordlessSignIn: true,
      supportApprovalRequired: false,
      mandatoryFrom: '2099-01-01T00:00:00.000Z',
      enforced: false,
    });
  });

  it('from the date on: every account is mandatory, whatever its setting', async () => {
    t = await startTestApp({ TWO_FACTOR_MANDATORY_FROM: '2020-01-01' });
    const member = await createAccountWithUser(t, 'member');
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password })
      .expect(200);
    expect(login.body.status).toBe('two_factor_setup_required');
  });
});
