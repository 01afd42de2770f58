import { createUser, type TestUser } from './support/factories';
import { totpCode } from './support/independent-totp';
import {
  because,
  platformRoles,
  REASON,
  stepUp,
  supportPerson,
  TICKET,
} from './support/support-staff';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, signInWithApp, startChallenge, userWithMethods } from './support/two-factor';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The support desk (issue 17): platform staff help a locked-out user across accounts, with a
 * reason, a ticket and a second factor given within 5 minutes, under each account's control.
 */
describe('Support desk', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** An account with an administrator (signed in with the app) and a member with the app. */
  async function customer() {
    const admin = await userWithMethods(t, ['totp'], { role: 'admin' });
    const adminToken = (await signInWithApp(t, admin.user, admin.secret)).accessToken;
    const member = await userWithMethods(t, ['totp'], { accountId: admin.user.accountId });
    return {
      admin: admin.user,
      adminSecret: admin.secret,
      adminToken,
      member: member.user,
      memberSecret: member.secret,
    };
  }

  const lookup = (person: { token: string; stepUpToken: string }, email: string, extra = {}) =>
    t
      .as(person.token)
      .post('/api/support/users/lookup')
      .send(because(person, { email, ...extra }));

  const act = (
    person: { token: string; stepUpToken: string },
    userId: string,
    action: 'temporary-code' | 'two-factor/reset' | 'sessions/end',
    body: object = because(person),
  ) => t.as(person.token).post(`/api/support/users/${userId}/${action}`).send(body);

  /** Password, then the temporary code at the second step: the answer of that step. */
  async function signInWithTemporaryCode(user: TestUser, code: string) {
    const { challengeToken } = await startChallenge(t, user);
    return t.http.post('/api/auth/two-factor/temporary-code').send({ challengeToken, code });
  }

  it('H2, H3, H4: a support person looks up, issues a temporary code and resets across two accounts, with mails and both trails', async () => {
    const first = await customer();
    const second = await customer();
    // Made last: its step-up proof lasts 5 minutes of the clock the customers' set-up moved.
    const support = await supportPerson(t);
    t.mail.clear();

    const status = await lookup(support, first.member.email).expect(200);
    expect(status.body).toMatchObject({
      id: first.member.id,
      methods: ['authenticator app'],
      recoveryCodesRemaining: 0,
      trustedDevices: 0,
      locked: false,
      lockedUntil: null,
      twoFactorMandatory: false,
      role: 'member',
      platformStaff: false,
      actionable: true,
      approvalRequired: false,
    });
    expect(status.body.lastSignInAt).toEqual(expect.any(String));
    expect(status.body.maskedEmail).toMatch(/^u•••@example\.com$/);
    // H4: never the address in full, a secret, a code or a token.
    const shown = JSON.stringify(status.body);
    expect(shown).not.toContain(first.member.email);
    expect(shown).not.toContain(first.memberSecret);

    const issued = await act(support, first.member.id, 'temporary-code').expect(200);
    expect(issued.body).toMatchObject({ status: 'done', requestId: expect.any(String) });
    const code = issued.body.temporaryCode as string;
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(new Date(issued.body.expiresAt as string).getTime()).toBe(
      t.clock.now().getTime() + HOUR,
    );

    const reset = await act(support, second.member.id, 'two-factor/reset').expect(200);
    expect(reset.body).toEqual({ requestId: expect.any(String), status: 'done' });
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: second.member.email, password: second.member.password })
      .expect(200);
    expect(login.body.status).toBe('authenticated');

    // H4: the user and the account's administrators are told why, never the code.
    for (const [who, account] of [
      [first.member.email, first],
      [first.admin.email, first],
      [second.member.email, second],
      [second.admin.email, second],
    ] as const) {
      const mail = await t.mail.waitFor(
        (m) => m.to.includes(who) && m.text.includes(account.member.email),
      );
      expect(mail.text).toContain(REASON);
      expect(mail.text).toContain(TICKET);
      expect(mail.raw).not.toContain(code);
      expect(mail.raw.replace(/-/g, '')).not.toContain(code.replace(/-/g, ''));
    }

    // H4: the account's trail names the support person, the reason and the ticket.
    const trail = await t
      .as(first.adminToken)
      .get('/api/admin/audit-events?type=support.action')
      .expect(200);
    expect(trail.body.items.map((event: { detail: string }) => event.detail).sort()).toEqual([
      'lookup done',
      'temporary_code done',
    ]);
    for (const event of trail.body.items) {
      expect(event).toMatchObject({
        userId: first.member.id,
        actorId: support.user.id,
        reason: REASON,
        ticket: TICKET,
      });
    }
    // The platform's own view: every account's support actions, for support staff.
    const platform = await t.as(support.token).get('/api/support/requests?limit=100').expect(200);
    const mine = platform.body.items.filter(
      (item: { supportUserId: string }) => item.supportUserId === support.user.id,
    );
    // One clock tick: the order within it is the ids'.
    expect(
      mine
        .map((item: { action: string; accountId: string }) => [item.action, item.accountId])
        .sort(),
    ).toEqual([
      ['lookup', first.admin.accountId],
      ['reset', second.admin.accountId],
      ['temporary_code', first.admin.accountId],
    ]);
    for (const item of mine) {
      expect(item).toMatchObject({
        supportEmail: support.user.email,
        reason: REASON,
        status: 'done',
      });
    }
  });

  it('H2: refused without a reason, without a ticket, without a fresh step-up (6 minutes later), and on an administrator unless privileged', async () => {
    const { admin, member } = await customer();
    const support = await supportPerson(t);

    for (const body of [
      { ticket: TICKET, stepUpToken: support.stepUpToken },
      { reason: 'too short', ticket: TICKET, stepUpToken: support.stepUpToken },
      { reason: REASON, stepUpToken: support.stepUpToken },
      { reason: REASON, ticket: '', stepUpToken: support.stepUpToken },
      { reason: REASON, ticket: TICKET },
    ]) {
      const refused = await act(support, member.id, 'two-factor/reset', body);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
    }
    const garbled = await act(
      support,
      member.id,
      'two-factor/reset',
      because({ stepUpToken: 'x' }),
    );
    expect(garbled.status).toBe(403);
    expect(garbled.body.code).toBe('STEP_UP_REQUIRED');

    // A step-up is a real second factor: a wrong code proves nothing, a missing method opens nothing.
    const started = await t
      .as(support.token)
      .post('/api/auth/step-up/start')
      .send({ method: 'totp' })
      .expect(200);
    const wrong = await t
      .as(support.token)
      .post('/api/auth/step-up')
      .send({ stepUpId: started.body.stepUpId, code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CODE');
    expect(wrong.body.stepUpToken).toBeUndefined();
    const noEmail = await t
      .as(support.token)
      .post('/api/auth/step-up/start')
      .send({ method: 'email' });
    expect(noEmail.status).toBe(409);
    expect(noEmail.body.code).toBe('METHOD_NOT_ENABLED');

    t.clock.advance(6 * MINUTE);
    const stale = await act(support, member.id, 'two-factor/reset');
    expect(stale.status).toBe(403);
    expect(stale.body.code).toBe('STEP_UP_REQUIRED');
    // Nothing changed: the member still has the app.
    const [still] = (
      await lookup({ ...support, stepUpToken: await stepUp(t, support) }, member.email).expect(200)
    ).body.methods;
    expect(still).toBe('authenticator app');

    // Another person's proof, or one from another session of the same person, proves nothing.
    const colleague = await supportPerson(t);
    const borrowed = await act(support, member.id, 'sessions/end', because(colleague));
    expect(borrowed.status).toBe(403);
    expect(borrowed.body.code).toBe('STEP_UP_REQUIRED');

    support.stepUpToken = await stepUp(t, support);
    const onAdmin = await act(support, admin.id, 'two-factor/reset');
    expect(onAdmin.status).toBe(403);
    expect(onAdmin.body.code).toBe('FORBIDDEN');
    const onStaff = await act(support, colleague.user.id, 'temporary-code');
    expect(onStaff.status).toBe(403);
    const onSelf = await act(support, support.user.id, 'temporary-code');
    expect(onSelf.status).toBe(403);

    const privileged = await supportPerson(t, 'privileged-support');
    await act(privileged, admin.id, 'sessions/end').expect(200);
  });

  it('H2: a recovery code gives a step-up of its own while one is left: nothing is sent, and each code works once', async () => {
    const { member } = await customer();
    const support = await supportPerson(t);
    const start = () =>
      t.as(support.token).post('/api/auth/step-up/start').send({ method: 'recovery' });
    const none = await start();
    expect([none.status, none.body.code]).toEqual([409, 'METHOD_NOT_ENABLED']);
    const { codes } = (
      await t
        .as(support.token)
        .post('/api/me/recovery-codes')
        .send({ password: support.user.password })
        .expect(200)
    ).body as { codes: string[] };

    const mails = t.mail.messages.length;
    const started = await start().expect(200);
    expect(started.body).toEqual({ stepUpId: expect.any(String), method: 'recovery' });
    expect(t.mail.messages.length).toBe(mails);
    const answer = (stepUpId: string) =>
      t.as(support.token).post('/api/auth/step-up').send({ stepUpId, code: codes[0] });
    const proof = await answer(started.body.stepUpId as string).expect(200);
    const stepUpToken = proof.body.stepUpToken as string;
    await lookup({ ...support, stepUpToken }, member.email).expect(200);

    const reused = await answer((await start().expect(200)).body.stepUpId as string);
    expect([reused.status, reused.body.code]).toEqual([401, 'INVALID_CODE']);
  });

  it('H1: only platform staff who passed a second factor reach the desk; nobody grants a role over HTTP', async () => {
    const { adminToken, member } = await customer();
    const asAdmin = await t
      .as(adminToken)
      .post('/api/support/users/lookup')
      .send({ email: member.email, reason: REASON, ticket: TICKET, stepUpToken: 'x' });
    expect(asAdmin.status).toBe(403);
    expect(asAdmin.body.code).toBe('FORBIDDEN');
    expect((await t.as(adminToken).get('/api/support/requests')).status).toBe(403);

    // A role cannot be set through the user routes.
    const created = await t.as(adminToken).post('/api/admin/users').send({
      email: 'wants-support@example.com',
      name: 'Eve',
      password: 'long enough password',
      role: 'member',
      platformRole: 'privileged-support',
    });
    expect(created.status).toBe(400);
  });

  it('H1: platform staff always give the second factor, a remembered device aside, and their sessions end within 8 hours', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    nextTotpStep(t);
    const { challengeToken } = await startChallenge(t, user);
    const remembered = await t.http
      .post('/api/auth/two-factor/verify')
      .send({
        challengeToken,
        code: totpCode(secret, t.clock.now().getTime()),
        rememberDevice: true,
      })
      .expect(200);
    const deviceToken = remembered.body.deviceToken as string;
    const skipped = await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password, deviceToken })
      .expect(200);
    expect(skipped.body.status).toBe('authenticated');

    await platformRoles(t).grant(user.email, 'support', 'test');
    // S4: the grant ended the sessions started before it.
    expect((await t.as(skipped.body.accessToken as string).get('/api/me')).status).toBe(401);
    const asked = await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password, deviceToken })
      .expect(200);
    expect(asked.body.status).toBe('two_factor_required');

    const session = await signInWithApp(t, user, secret);
    t.clock.advance(8 * HOUR - MINUTE);
    const refreshed = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: session.refreshToken })
      .expect(200);
    t.clock.advance(2 * MINUTE);
    expect((await t.as(refreshed.body.accessToken as string).get('/api/me')).status).toBe(401);
    expect(
      (
        await t.http
          .post('/api/auth/refresh')
          .send({ refreshToken: refreshed.body.refreshToken as string })
      ).status,
    ).toBe(401);

    // A member without a method still gets a session; platform staff without one set one up.
    const bare = await createUser(t, user.accountId, 'member');
    await platformRoles(t).grant(bare.email, 'support', 'test');
    const setup = await t.http
      .post('/api/auth/login')
      .send({ email: bare.email, password: bare.password })
      .expect(200);
    expect(setup.body.status).toBe('two_factor_setup_required');
  });

  it('H3: the temporary code works once, only for its user, only within its hour, and leads to the setup of a new method', async () => {
    const { member, memberSecret } = await customer();
    const other = await userWithMethods(t, ['totp'], { accountId: member.accountId });
    const support = await supportPerson(t);
    const code = (await act(support, member.id, 'temporary-code').expect(200)).body
      .temporaryCode as string;

    const elsewhere = await signInWithTemporaryCode(other.user, code);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.code).toBe('INVALID_CODE');
    // Not a step-up either: only the second step of a sign-in takes it.
    const { accessToken } = await signInWithApp(t, member, memberSecret);
    const started = await t
      .as(accessToken)
      .post('/api/auth/step-up/start')
      .send({ method: 'totp' })
      .expect(200);
    const asStepUp = await t
      .as(accessToken)
      .post('/api/auth/step-up')
      .send({ stepUpId: started.body.stepUpId, method: 'temporary', code });
    expect(asStepUp.status).toBe(400);

    const passed = await signInWithTemporaryCode(member, code.toLowerCase().replace(/-/g, ''));
    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ status: 'two_factor_setup_required' });
    // The setup token opens method setup only, and its confirmation answers the session.
    const setupToken = passed.body.setupToken as string;
    expect((await t.as(setupToken).get('/api/me')).status).toBe(401);
    const enrolment = await t.as(setupToken).post('/api/me/two-factor/totp').send({}).expect(201);
    nextTotpStep(t);
    const session = await t
      .as(setupToken)
      .post('/api/me/two-factor/totp/confirm')
      .send({ code: totpCode(enrolment.body.secret as string, t.clock.now().getTime()) })
      .expect(200);
    expect(session.body.status).toBe('authenticated');
    await t.mail.waitFor(
      (m) => m.to.includes(member.email) && /temporary access code/.test(m.subject),
    );

    const again = await signInWithTemporaryCode(member, code);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('INVALID_CODE');

    // Within its hour only.
    support.stepUpToken = await stepUp(t, support);
    const late = (await act(support, other.user.id, 'temporary-code').expect(200)).body
      .temporaryCode as string;
    t.clock.advance(HOUR + MINUTE);
    expect((await signInWithTemporaryCode(other.user, late)).status).toBe(401);
  });

  it('H2: beyond 30 support calls an hour a support person is refused', async () => {
    const { member } = await customer();
    const support = await supportPerson(t);
    for (let i = 0; i < 30; i++) {
      // Unknown addresses count as much as known ones.
      await lookup(support, i % 2 ? member.email : `nobody-${i}@example.com`).expect(
        i % 2 ? 200 : 404,
      );
    }
    const refused = await lookup(support, member.email);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.headers['retry-after']).toBeDefined();
    const action = await act(support, member.id, 'temporary-code');
    expect(action.status).toBe(429);
    // Another support person is not held back.
    const colleague = await supportPerson(t);
    await lookup(colleague, member.email).expect(200);
  });

  it('H4: under four eyes the action waits until one of the account’s administrators approves, within 24 hours', async () => {
    const strict = await customer();
    const relaxed = await customer();
    await t
      .as(strict.adminToken)
      .put('/api/admin/policy')
      .send({ twoFactorRequired: false, supportApprovalRequired: true })
      .expect(200);
    const support = await supportPerson(t);
    t.mail.clear();

    const asked = await act(support, strict.member.id, 'temporary-code').expect(200);
    expect(asked.body).toEqual({ requestId: expect.any(String), status: 'pending' });
    const requestId = asked.body.requestId as string;
    const waiting = await t.mail.waitFor(
      (m) => m.to.includes(strict.admin.email) && /approval/.test(m.text),
    );
    expect(waiting.text).toContain(REASON);
    // The other account works as before.
    await act(support, relaxed.member.id, 'two-factor/reset').expect(200);

    const carryOut = () =>
      t
        .as(support.token)
        .post(`/api/support/requests/${requestId}/carry-out`)
        .send({ stepUpToken: support.stepUpToken });
    const early = await carryOut();
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('SUPPORT_REQUEST_CLOSED');

    // Another account's administrator cannot see or decide it.
    const foreign = await t
      .as(relaxed.adminToken)
      .post(`/api/admin/support-requests/${requestId}/approve`);
    expect(foreign.status).toBe(404);
    const list = await t.as(strict.adminToken).get('/api/admin/support-requests').expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id: requestId,
      action: 'temporary_code',
      status: 'pending',
      supportEmail: support.user.email,
      reason: REASON,
      ticket: TICKET,
    });

    const approved = await t
      .as(strict.adminToken)
      .post(`/api/admin/support-requests/${requestId}/approve`)
      .expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: strict.admin.id });
    const done = await carryOut().expect(200);
    expect(done.body).toMatchObject({ status: 'done', temporaryCode: expect.any(String) });
    expect((await carryOut()).status).toBe(409);
    expect(
      (await signInWithTemporaryCode(strict.member, done.body.temporaryCode as string)).status,
    ).toBe(200);

    // Refused stays refused; unanswered for a day, a request expires.
    const refusedId = (await act(support, strict.member.id, 'sessions/end').expect(200)).body
      .requestId as string;
    await t
      .as(strict.adminToken)
      .post(`/api/admin/support-requests/${refusedId}/refuse`)
      .expect(200);
    expect(
      (
        await t
          .as(support.token)
          .post(`/api/support/requests/${refusedId}/carry-out`)
          .send({ stepUpToken: support.stepUpToken })
      ).status,
    ).toBe(409);
    const staleId = (await act(support, strict.member.id, 'two-factor/reset').expect(200)).body
      .requestId as string;
    t.clock.advance(24 * HOUR + MINUTE);
    const refreshedAdmin = (await signInWithApp(t, strict.admin, strict.adminSecret)).accessToken;
    expect(
      (await t.as(refreshedAdmin).post(`/api/admin/support-requests/${staleId}/approve`)).status,
    ).toBe(409);
    const trail = await t.as(refreshedAdmin).get('/api/admin/support-requests').expect(200);
    expect(trail.body.items.find((item: { id: string }) => item.id === staleId).status).toBe(
      'expired',
    );
  });

  it('H4: an account administrator still sees only their own account, and support cannot edit users or policies', async () => {
    const mine = await customer();
    const theirs = await customer();
    const support = await supportPerson(t);
    await act(support, theirs.member.id, 'sessions/end').expect(200);

    const users = await t.as(mine.adminToken).get('/api/admin/users?limit=100').expect(200);
    expect(users.body.items.map((user: { id: string }) => user.id).sort()).toEqual(
      [mine.admin.id, mine.member.id].sort(),
    );
    const requests = await t.as(mine.adminToken).get('/api/admin/support-requests').expect(200);
    expect(requests.body.items).toEqual([]);
    const events = await t
      .as(mine.adminToken)
      .get(`/api/admin/audit-events?userId=${theirs.member.id}`)
      .expect(200);
    expect(events.body.items).toEqual([]);

    // Support's role is above accounts, not in them: the admin routes stay closed.
    expect((await t.as(support.token).get('/api/admin/users')).status).toBe(403);
    expect(
      (await t.as(support.token).put('/api/admin/policy').send({ twoFactorRequired: true })).status,
    ).toBe(403);
  });
});
