import type TestAgent from 'supertest/lib/agent';
import { totpCode } from './support/independent-totp';
import {
  panelClient,
  signInToPanel,
  startPanelApp,
  userWithApp,
  type UserWithApp,
} from './support/panel';
import { platformRoles, REASON, TICKET } from './support/support-staff';
import type { TestApp } from './support/test-app';
import { nextTotpStep, signInWithApp, startChallenge } from './support/two-factor';

/** H1–H4 in the panel: platform staff's Support desk, and nothing else for them. */
describe('AdminJS panel: the Support desk for platform staff (H1–H4)', () => {
  let t: TestApp;
  let staff: UserWithApp;
  let admin: UserWithApp;
  let member: UserWithApp;
  let desk: TestAgent;

  beforeAll(async () => {
    t = await startPanelApp();
    staff = await userWithApp(t, 'member');
    await platformRoles(t).grant(staff.email, 'support', 'test');
    admin = await userWithApp(t, 'admin');
    member = await userWithApp(t, 'member', admin.accountId);
    desk = panelClient(t);
    expect(await signInToPanel(t, desk, staff)).toBe('/admin');
  }, 60_000);
  afterAll(() => t.close());

  const get = (agent: TestAgent, path: string) =>
    agent.get(`/admin/api/${path}`).set('Sec-Fetch-Site', 'same-origin');
  /** A fresh code of the staff member's app (each TOTP step is taken once). */
  const freshCode = () => {
    nextTotpStep(t);
    return totpCode(staff.secret, t.clock.now().getTime());
  };
  const post = (body: object, agent = desk) =>
    agent.post('/admin/api/pages/support-desk').set('Sec-Fetch-Site', 'same-origin').send(body);
  const trail = async () =>
    (await get(desk, 'pages/support-desk').expect(200)).body.trail as {
      id: string;
      action: string;
      status: string;
      targetUserId: string;
      mayCarryOut: boolean;
    }[];
  const methodsOf = async (user: UserWithApp) => {
    const { accessToken } = await signInWithApp(t, admin, admin.secret);
    const view = await t.as(accessToken).get(`/api/admin/users/${user.id}`).expect(200);
    return view.body.twoFactor.methods as string[];
  };

  it('H1: staff who administer no account enter with password and code, and see only the Support desk', async () => {
    const home = await get(desk, 'dashboard').expect(200);
    expect(home.body).toEqual({ supportDeskOnly: true });
    // AdminJS answers an action one may not run with its forbidden notice and no records.
    for (const resource of ['users', 'audit-events', 'support-requests']) {
      const answer = await get(desk, `resources/${resource}/actions/list`).expect(200);
      expect([resource, answer.body.notice?.message, answer.body.records]).toEqual([
        resource,
        'forbiddenError',
        [],
      ]);
    }
    expect((await get(desk, 'pages/two-factor-policy')).status).toBe(403);
    // The menu links no resource for them (AdminJS gives a resource no href without its list).
    const page = await desk.get('/admin').set('Sec-Fetch-Site', 'same-origin').expect(200);
    expect(page.text).toContain('"support-desk"');
    expect(page.text).not.toMatch(/"href":"\/admin\/resources\//);
    expect(Array.isArray(await trail())).toBe(true);
  });

  it('H1: staff give the second factor at every panel sign-in, a remembered device aside', async () => {
    const panel = panelClient(t);
    await panel
      .post('/admin/login')
      .type('form')
      .send({ email: staff.email, password: staff.password })
      .expect(302);
    const verified = await panel
      .post('/admin/login/code')
      .type('form')
      .send({ code: freshCode(), rememberDevice: 'true' })
      .expect(302);
    expect(verified.headers.location).toBe('/admin');
    await panel.post('/admin/logout').expect(302);
    const again = await panel
      .post('/admin/login')
      .type('form')
      .send({ email: staff.email, password: staff.password })
      .expect(302);
    expect(again.headers.location).toBe('/admin/login');
    expect((await get(panel, 'dashboard')).status).toBe(401);
  });

  it('H1: an account administrator who is not staff has no Support desk', async () => {
    const panel = panelClient(t);
    expect(await signInToPanel(t, panel, admin)).toBe('/admin');
    expect((await get(panel, 'pages/support-desk')).status).toBe(403);
    const refused = await post(
      { operation: 'lookup', email: member.email, reason: REASON, ticket: TICKET, code: '000000' },
      panel,
    );
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await get(panel, 'dashboard').expect(200)).body.policy).toBeDefined();
    const page = await panel.get('/admin').set('Sec-Fetch-Site', 'same-origin').expect(200);
    expect(page.text).toMatch(/"href":"\/admin\/resources\/support-requests"/);
  });

  it('H2/A6: a lookup needs a reason, a ticket and a fresh code, only by a same-origin POST; GET changes nothing', async () => {
    const lookup = { operation: 'lookup', email: member.email, reason: REASON, ticket: TICKET };
    const before = (await trail()).length;
    for (const body of [
      { ...lookup, reason: undefined, code: '123456' },
      { ...lookup, reason: 'short', code: '123456' },
      { ...lookup, ticket: undefined, code: '123456' },
      { ...lookup, ticket: 'not a ticket!', code: '123456' },
      { ...lookup, code: undefined },
      { ...lookup, operation: 'delete_user', code: '123456' },
    ]) {
      const refused = await post(body);
      expect([JSON.stringify(body), refused.status, refused.body.code]).toEqual([
        JSON.stringify(body),
        400,
        'VALIDATION_FAILED',
      ]);
    }
    const wrongCode = await post({ ...lookup, code: '000000' });
    expect(wrongCode.status).toBeGreaterThanOrEqual(400);
    expect(wrongCode.status).toBeLessThan(500);
    const crossSite = await desk
      .post('/admin/api/pages/support-desk')
      .set('Origin', 'https://evil.example')
      .send({ ...lookup, code: freshCode() });
    expect([crossSite.status, crossSite.body.code]).toEqual([403, 'FORBIDDEN']);
    const query = new URLSearchParams({ ...lookup, code: freshCode() });
    expect((await get(desk, `pages/support-desk?${query}`)).body.found).toBeUndefined();
    expect((await trail()).length).toBe(before);

    const found = await post({ ...lookup, code: freshCode() }).expect(200);
    expect(found.body.found).toMatchObject({
      id: member.id,
      maskedEmail: expect.stringContaining('•'),
      methods: ['authenticator app'],
      actionable: true,
    });
    expect(found.text).not.toContain(member.email);
    expect((await trail())[0]).toMatchObject({ action: 'lookup', targetUserId: member.id });
  });

  it('H3: a temporary code is shown once, in the action’s answer, and lets the user in once', async () => {
    const issued = await post({
      operation: 'temporary_code',
      userId: member.id,
      reason: REASON,
      ticket: TICKET,
      code: freshCode(),
    }).expect(200);
    expect(issued.body.result).toMatchObject({ status: 'done' });
    const code = issued.body.result.temporaryCode as string;
    expect(code).toEqual(expect.any(String));
    expect(JSON.stringify((await get(desk, 'pages/support-desk')).body)).not.toContain(code);
    const { challengeToken } = await startChallenge(t, member);
    await t.http
      .post('/api/auth/two-factor/temporary-code')
      .send({ challengeToken, code })
      .expect(200);
  });

  it('H2: Reset 2FA and End sessions act with reason, ticket and a fresh code; a reused code is refused', async () => {
    const { accessToken } = await signInWithApp(t, member, member.secret);
    const code = freshCode();
    const body = { userId: member.id, reason: REASON, ticket: TICKET, code };
    await post({ ...body, operation: 'end_sessions' }).expect(200);
    await t.as(accessToken).get('/api/me').expect(401);
    const reused = await post({ ...body, operation: 'reset' });
    expect(reused.status).toBeGreaterThanOrEqual(400);
    expect(reused.status).toBeLessThan(500);
    expect(await methodsOf(member)).toEqual(['totp']);
    await post({ ...body, operation: 'reset', code: freshCode() }).expect(200);
    expect(await methodsOf(member)).toEqual([]);
  });

  it('H4: under four eyes an action waits for approval, then the desk carries it out once from its trail, with a fresh code', async () => {
    const { accessToken: adminToken } = await signInWithApp(t, admin, admin.secret);
    const fourEyes = (supportApprovalRequired: boolean) =>
      t
        .as(adminToken)
        .put('/api/admin/policy')
        .send({ twoFactorRequired: false, supportApprovalRequired })
        .expect(200);
    await fourEyes(true);
    try {
      const asked = await post({
        operation: 'temporary_code',
        userId: member.id,
        reason: REASON,
        ticket: TICKET,
        code: freshCode(),
      }).expect(200);
      expect(asked.body.result).toEqual({ requestId: expect.any(String), status: 'pending' });
      const requestId = asked.body.result.requestId as string;
      const row = async () => (await trail()).find((entry) => entry.id === requestId);
      expect(await row()).toMatchObject({ status: 'pending', mayCarryOut: false });
      const carryOut = (body: object = {}) =>
        post({ operation: 'carry_out', requestId, code: freshCode(), ...body });
      const early = await carryOut();
      expect([early.status, early.body.code]).toEqual([409, 'SUPPORT_REQUEST_CLOSED']);

      await t.as(adminToken).post(`/api/admin/support-requests/${requestId}/approve`).expect(200);
      expect(await row()).toMatchObject({ status: 'approved', mayCarryOut: true });
      for (const bad of [{ requestId: 'not-a-uuid' }, { code: undefined }]) {
        const refused = await carryOut(bad);
        expect([JSON.stringify(bad), refused.status, refused.body.code]).toEqual([
          JSON.stringify(bad),
          400,
          'VALIDATION_FAILED',
        ]);
      }
      const done = await carryOut().expect(200);
      expect(done.body.result).toMatchObject({
        requestId,
        status: 'done',
        temporaryCode: expect.any(String),
      });
      expect(await row()).toMatchObject({ status: 'done', mayCarryOut: false });
      const again = await carryOut();
      expect([again.status, again.body.code]).toEqual([409, 'SUPPORT_REQUEST_CLOSED']);
    } finally {
      await fourEyes(false);
    }
  });
});
