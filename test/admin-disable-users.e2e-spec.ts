import { createAccountWithUser, createUser, signIn, type TestUser } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { signInWithApp, userWithMethods } from './support/two-factor';

/**
 * An administrator disables and enables users of their account (POST /api/admin/users/{id}/disable
 * and /enable): a disabled user's sessions end at once and every way in refuses them exactly as it
 * refuses a wrong password (P3); enabling lets them sign in again, never revives an old session.
 */
describe('Disabling and enabling users', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    const { user, secret } = await userWithMethods(t, ['totp'], { role: 'admin' });
    admin = user;
    adminToken = (await signInWithApp(t, admin, secret)).accessToken;
  });
  afterAll(() => t.close());

  const act = (action: 'disable' | 'enable', id: string, token = adminToken) =>
    t.as(token).post(`/api/admin/users/${id}/${action}`);
  const login = (user: Pick<TestUser, 'email' | 'password'>) =>
    t.http.post('/api/auth/login').send({ email: user.email, password: user.password });

  it('P3: a disabled user is signed out at once and refused at sign-in with the answer of a wrong password', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const session = await signIn(t, member);
    await t.as(session.accessToken).get('/api/me').expect(200);

    const disabled = await act('disable', member.id).expect(200);
    expect(disabled.body).toMatchObject({
      id: member.id,
      active: false,
      disabledAt: expect.any(String),
      lastSignInAt: expect.any(String),
    });

    await t.as(session.accessToken).get('/api/me').expect(401);
    const refresh = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: session.refreshToken });
    expect([refresh.status, refresh.body.code]).toEqual([401, 'INVALID_REFRESH_TOKEN']);

    const right = await login(member);
    const wrong = await login({ email: member.email, password: `${member.password}x` });
    expect([right.status, right.body]).toEqual([wrong.status, wrong.body]);
    expect(right.body.code).toBe('INVALID_CREDENTIALS');

    const events = await t
      .as(adminToken)
      .get(`/api/admin/audit-events?userId=${member.id}&type=user.disabled`)
      .expect(200);
    expect(events.body.items).toEqual([
      expect.objectContaining({ userId: member.id, actorId: admin.id }),
    ]);
    const listed = await t.as(adminToken).get(`/api/admin/users/${member.id}`).expect(200);
    expect(listed.body.active).toBe(false);
  });

  it('enabling lets the user sign in again; the sessions that disabling ended stay ended', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const before = await signIn(t, member);
    await act('disable', member.id).expect(200);
    const enabled = await act('enable', member.id).expect(200);
    expect(enabled.body).toMatchObject({ active: true, disabledAt: null });

    await t.as(before.accessToken).get('/api/me').expect(401);
    await t.http.post('/api/auth/refresh').send({ refreshToken: before.refreshToken }).expect(401);
    const after = await signIn(t, member);
    await t.as(after.accessToken).get('/api/me').expect(200);
    const events = await t
      .as(adminToken)
      .get(`/api/admin/audit-events?userId=${member.id}&type=user.enabled`)
      .expect(200);
    expect(events.body.items).toHaveLength(1);
  });

  it('disabling a disabled user (or enabling an enabled one) changes nothing and audits nothing more', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const first = await act('disable', member.id).expect(200);
    const again = await act('disable', member.id).expect(200);
    expect(again.body.disabledAt).toBe(first.body.disabledAt);
    await act('enable', member.id).expect(200);
    await act('enable', member.id).expect(200);
    for (const type of ['user.disabled', 'user.enabled']) {
      const events = await t
        .as(adminToken)
        .get(`/api/admin/audit-events?userId=${member.id}&type=${type}`)
        .expect(200);
      expect([type, events.body.items.length]).toEqual([type, 1]);
    }
  });

  it('A2/A4: refused for oneself (403), to members (403), without a second factor (403), across accounts (404), for bad ids (400)', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const self = await act('disable', admin.id);
    expect([self.status, self.body.code]).toEqual([403, 'FORBIDDEN']);

    const memberToken = (await signIn(t, member)).accessToken;
    const byMember = await act('disable', admin.id, memberToken);
    expect([byMember.status, byMember.body.code]).toEqual([403, 'FORBIDDEN']);

    const passwordOnly = await createUser(t, admin.accountId, 'admin');
    const passwordToken = (await signIn(t, passwordOnly)).accessToken;
    const noSecondFactor = await act('disable', member.id, passwordToken);
    expect([noSecondFactor.status, noSecondFactor.body.code]).toEqual([
      403,
      'SECOND_FACTOR_REQUIRED',
    ]);

    const foreign = await createAccountWithUser(t, 'member');
    for (const action of ['disable', 'enable'] as const) {
      const across = await act(action, foreign.id);
      expect([action, across.status, across.body.code]).toEqual([action, 404, 'NOT_FOUND']);
      const bad = await act(action, 'not-a-uuid');
      expect([action, bad.status, bad.body.code]).toEqual([action, 400, 'VALIDATION_FAILED']);
    }
    await signIn(t, foreign);
    await signIn(t, member);
    const own = await t.as(adminToken).get(`/api/admin/users/${admin.id}`).expect(200);
    expect(own.body.active).toBe(true);
  });

  it('the users list shows each user’s last sign-in', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const unseen = await t.as(adminToken).get(`/api/admin/users/${member.id}`).expect(200);
    expect(unseen.body.lastSignInAt).toBeNull();
    await signIn(t, member);
    const seen = await t.as(adminToken).get(`/api/admin/users/${member.id}`).expect(200);
    // MariaDB keeps whole seconds.
    const lag = t.clock.now().getTime() - new Date(seen.body.lastSignInAt).getTime();
    expect(lag >= 0 && lag < 1000).toBe(true);
  });
});
