import { DataSource } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { TrustedDevice } from 'src/devices/trusted-device.entity';
import { OneTimeCode } from 'src/two-factor/email/one-time-code.entity';
import { RecoveryCode } from 'src/two-factor/recovery/recovery-code.entity';
import { createAccountWithUser, createUser, signIn, type TestUser } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { totpCode } from './support/independent-totp';
import {
  enableEmailMethod,
  enableTotpMethod,
  nextTotpStep,
  signInWithApp,
  startChallenge,
} from './support/two-factor';

describe('Administrator reset of a user’s 2FA', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createAccountWithUser(t, 'admin');
    const secret = await enableTotpMethod(t, admin, (await signIn(t, admin)).accessToken);
    adminToken = (await signInWithApp(t, admin, secret)).accessToken;
  });
  afterAll(() => t.close());

  const reset = (userId: string, token = adminToken) =>
    t.as(token).post(`/api/admin/users/${userId}/two-factor/reset`);

  async function memberWithEverything() {
    const member = await createUser(t, admin.accountId, 'member');
    const secret = await enableTotpMethod(t, member, (await signIn(t, member)).accessToken);
    const session = await signInWithApp(t, member, secret);
    await enableEmailMethod(t, member, session.accessToken, 'member-codes@example.org');
    await t
      .as(session.accessToken)
      .post('/api/me/recovery-codes')
      .send({ password: member.password })
      .expect(200);
    nextTotpStep(t);
    const { challengeToken } = await startChallenge(t, member);
    const remembered = await t.http.post('/api/auth/two-factor/verify').send({
      challengeToken,
      code: totpCode(secret, t.clock.now().getTime()),
      rememberDevice: true,
    });
    expect(remembered.status).toBe(200);
    // A login code by email, still waiting.
    const pending = await startChallenge(t, member);
    await t.http
      .post('/api/auth/two-factor/method')
      .send({ challengeToken: pending.challengeToken, method: 'email' })
      .expect(200);
    return { member, session, deviceToken: remembered.body.deviceToken as string };
  }

  it('A3/S4/D4: removes methods, codes, recovery codes and devices, ends sessions at once, emails the user, audits the admin', async () => {
    const { member, session, deviceToken } = await memberWithEverything();
    t.mail.clear();
    await reset(member.id).expect(204);

    expect((await t.as(session.accessToken).get('/api/me')).status).toBe(401);
    expect(
      (await t.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken })).status,
    ).toBe(401);
    const data = t.app.get(DataSource);
    expect(await data.getRepository(TrustedDevice).countBy({ userId: member.id })).toBe(0);
    expect(await data.getRepository(RecoveryCode).countBy({ userId: member.id })).toBe(0);
    expect(await data.getRepository(OneTimeCode).countBy({ userId: member.id })).toBe(0);

    const login = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password, deviceToken })
      .expect(200);
    expect(login.body.status).toBe('authenticated');
    const status = await t
      .as(login.body.accessToken as string)
      .get('/api/me/two-factor')
      .expect(200);
    expect(status.body).toMatchObject({
      email: { enabled: false },
      totp: { enabled: false },
      recoveryCodes: { remaining: 0 },
    });

    const notice = await t.mail.waitFor(
      (mail) => mail.to.includes(member.email) && /reset/i.test(mail.subject),
    );
    expect(notice.text).not.toMatch(/\b\d{6}\b/);
    const [event] = await data
      .getRepository(AuditEvent)
      .findBy({ type: 'two_factor.reset', userId: member.id });
    expect(event).toMatchObject({ actorId: admin.id, accountId: admin.accountId });
  });

  it('with 2FA mandatory, the reset user sets up a method at the next login', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    await enableTotpMethod(t, member, (await signIn(t, member)).accessToken);
    await t.as(adminToken).put('/api/admin/policy').send({ twoFactorRequired: true }).expect(200);
    try {
      await reset(member.id).expect(204);
      const login = await t.http
        .post('/api/auth/login')
        .send({ email: member.email, password: member.password })
        .expect(200);
      expect(login.body.status).toBe('two_factor_setup_required');
    } finally {
      await t
        .as(adminToken)
        .put('/api/admin/policy')
        .send({ twoFactorRequired: false })
        .expect(200);
    }
  });

  it('A2: members get 403; another account’s user is 404; A4: an admin without a second factor is refused', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const memberToken = (await signIn(t, member)).accessToken;
    const asMember = await reset(admin.id, memberToken);
    expect(asMember.status).toBe(403);
    expect(asMember.body.code).toBe('FORBIDDEN');

    const foreign = await createAccountWithUser(t, 'member');
    const crossAccount = await reset(foreign.id);
    expect(crossAccount.status).toBe(404);
    expect(crossAccount.body.code).toBe('NOT_FOUND');

    const plainAdmin = await createUser(t, admin.accountId, 'admin');
    const withoutSecondFactor = await reset(member.id, (await signIn(t, plainAdmin)).accessToken);
    expect(withoutSecondFactor.status).toBe(403);
    expect(withoutSecondFactor.body.code).toBe('SECOND_FACTOR_REQUIRED');
  });

  it('A3: an administrator can never see or set another user’s factor', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const secret = await enableTotpMethod(t, member, (await signIn(t, member)).accessToken);
    const view = await t.as(adminToken).get(`/api/admin/users/${member.id}`).expect(200);
    expect(JSON.stringify(view.body)).not.toContain(secret);
    expect(view.body.twoFactor).toEqual({ enabled: true, methods: ['totp'] });
    // The profile routes act on the caller only; nothing takes a user id.
    const setOther = await t
      .as(adminToken)
      .post('/api/me/two-factor/totp')
      .send({ password: admin.password, userId: member.id });
    expect(setOther.status).toBe(400);
  });
});
