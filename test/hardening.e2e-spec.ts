import { sign } from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { AuthService } from 'src/auth/auth.service';
import { MethodPreferenceService } from 'src/two-factor/method-preference.service';
import { PolicyService } from 'src/policy/policy.service';
import { RefreshToken } from 'src/sessions/refresh-token.entity';
import { User } from 'src/users/user.entity';
import { createAccountWithUser, createUser, signIn, type TestUser } from './support/factories';
import { totpCode } from './support/independent-totp';
import { inParallel, statusCounts } from './support/parallel';
import { startTestApp, type TestApp } from './support/test-app';
import {
  enableEmailMethod,
  nextTotpStep,
  startChallenge,
  userWithMethods,
} from './support/two-factor';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Guarantees that must hold under parallel requests. On SQLite writes are serialised, so these
 * prove the most on MariaDB (E2E_DATABASE_URL, as .ci/run runs them); each shows its requests
 * were in flight together.
 */
describe('Hardening', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const now = () => t.clock.now().getTime();
  const verify = (challengeToken: string, code: string) =>
    t.http.post('/api/auth/two-factor/verify').send({ challengeToken, code });

  const userWithApp = (accountId?: string) => userWithMethods(t, ['totp'], { accountId });

  /** The account's switch, as an administrator who passed the second factor would turn it on. */
  const makeMandatory = (admin: TestUser) =>
    t.app.get(PolicyService).update(
      {
        userId: admin.id,
        accountId: admin.accountId,
        role: 'admin',
        platformRole: null,
        tokenKind: 'access',
        secondFactor: true,
        sessionId: 'test',
        email: admin.email,
        name: 'Admin',
        accountName: 'Test',
      },
      { twoFactorRequired: true },
      { ip: null, userAgent: null },
    );

  /** A member of an account where 2FA is mandatory, signed in without a method: a setup token. */
  async function memberWithSetupToken() {
    const admin = await createAccountWithUser(t, 'admin');
    const member = await createUser(t, admin.accountId, 'member');
    await makeMandatory(admin);
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password })
      .expect(200);
    return { member, setupToken: login.body.setupToken as string };
  }

  /** The answers of a code that was checked: wrong, or right but spent. */
  const CHECKED = ['INVALID_CODE', 'CODE_ALREADY_USED'];
  const wrongCodes = (challengeToken: string, count: number) =>
    Array.from({ length: count }, () => () => verify(challengeToken, '000000'));

  it('B6, B1: of 20 parallel codes on a challenge with one attempt left, one at most is checked', async () => {
    const { user, secret } = await userWithApp();
    const { challengeToken } = await startChallenge(t, user);
    for (let i = 0; i < 4; i++) await verify(challengeToken, '000000').expect(401);
    const right = () => verify(challengeToken, totpCode(secret, now()));
    const run = await inParallel([...wrongCodes(challengeToken, 19), right]);
    expect(run.maxInFlight).toBeGreaterThan(5);
    const checked = run.responses.filter((r) => r.status === 200 || CHECKED.includes(r.body.code));
    expect(checked.length).toBeLessThanOrEqual(1);
    expect(
      run.responses.every((r) => r.status === 200 || r.status === 401 || r.status === 429),
    ).toBe(true);
    // Used up: the right code no longer passes.
    nextTotpStep(t);
    const after = await verify(challengeToken, totpCode(secret, now()));
    expect(after.status).not.toBe(200);
  });

  it('B6, B2: parallel codes across challenges never get past the lockout; the right one among them is refused once it is reached', async () => {
    const { user, secret } = await userWithApp();
    const first = await startChallenge(t, user);
    for (let i = 0; i < 5; i++) await verify(first.challengeToken, '000000');
    const second = await startChallenge(t, user);
    for (let i = 0; i < 4; i++) await verify(second.challengeToken, '000000');
    const challenges = await Promise.all(Array.from({ length: 4 }, () => startChallenge(t, user)));
    const code = totpCode(secret, now());
    const run = await inParallel([
      ...challenges.flatMap((c) => wrongCodes(c.challengeToken, 4)),
      () => verify(challenges[0].challengeToken, code),
    ]);
    expect(run.maxInFlight).toBeGreaterThan(5);
    const checked = run.responses.filter((r) => r.status === 200 || CHECKED.includes(r.body.code));
    expect(checked.length).toBeLessThanOrEqual(1);
    const locked = await verify((await startChallenge(t, user)).challengeToken, code);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('B2: a success in between does not reset the lockout window', async () => {
    const { user, secret } = await userWithApp();
    for (let round = 0; round < 2; round++) {
      const { challengeToken } = await startChallenge(t, user);
      for (let i = 0; i < (round === 0 ? 5 : 4); i++) await verify(challengeToken, '000000');
    }
    await verify((await startChallenge(t, user)).challengeToken, totpCode(secret, now())).expect(
      200,
    );
    const tenth = await verify((await startChallenge(t, user)).challengeToken, '000000');
    expect(tenth.body.code).toBe('TOO_MANY_ATTEMPTS');
    nextTotpStep(t);
    const refused = await verify(
      (await startChallenge(t, user)).challengeToken,
      totpCode(secret, now()),
    );
    expect(refused.status).toBe(429);
  });

  it('B6: two removals at once never leave a user without a method while 2FA is mandatory', async () => {
    const admin = await createAccountWithUser(t, 'admin');
    const { user, token } = await userWithApp(admin.accountId);
    await enableEmailMethod(t, user, token, `second-${user.id.slice(0, 8)}@example.org`);
    await makeMandatory(admin);
    const remove = (method: string) => () =>
      t.as(token).delete(`/api/me/two-factor/${method}`).send({ password: user.password });
    const run = await inParallel(
      Array.from({ length: 6 }, (_, i) => remove(i % 2 === 0 ? 'email' : 'totp')),
    );
    expect(run.maxInFlight).toBeGreaterThan(2);
    const counts = statusCounts(run.responses);
    expect(counts[409]).toBeGreaterThan(0);
    const row = await t.app.get(DataSource).getRepository(User).findOneByOrFail({ id: user.id });
    expect(row.twoFactorMethods).toHaveLength(1);
    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(Number(status.body.email.enabled) + Number(status.body.totp.enabled)).toBe(1);
  });

  it('L1, L3: a method removed by six requests at once is audited and mailed once', async () => {
    const { user, token } = await userWithApp();
    await enableEmailMethod(t, user, token, `second-${user.id.slice(0, 8)}@example.org`);
    const mailsBefore = t.mail.messages.filter(({ to }) => to.includes(user.email)).length;
    const run = await inParallel(
      Array.from(
        { length: 6 },
        () => () =>
          t.as(token).delete('/api/me/two-factor/email').send({ password: user.password }),
      ),
    );
    expect(run.maxInFlight).toBeGreaterThan(2);
    // Removing is idempotent: every request is answered as done.
    expect(statusCounts(run.responses)).toEqual({ 204: 6 });
    const removals = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .countBy({ userId: user.id, type: 'two_factor.method_removed' });
    expect(removals).toBe(1);
    const mails = t.mail.messages.filter(({ to }) => to.includes(user.email));
    expect(mails).toHaveLength(mailsBefore + 1);
  });

  it('a method removed while the password was being checked does not fail the login (found as a 409 under load)', async () => {
    const { user, token } = await userWithMethods(t, ['totp', 'email']);
    await t.app.get(MethodPreferenceService).recordUse(user.id, 'email');
    // As the login read the user before its hash: email preferred, both methods on.
    const readBeforeHash = await t.app
      .get(DataSource)
      .getRepository(User)
      .findOneByOrFail({ id: user.id });
    await t
      .as(token)
      .delete('/api/me/two-factor/email')
      .send({ password: user.password })
      .expect(204);

    const answer = await t.app.get(AuthService).continueLogin(readBeforeHash, undefined);
    expect(answer).toMatchObject({
      status: 'two_factor_required',
      method: 'totp',
      methods: ['totp'],
    });

    // Its last method gone too (2FA not mandatory): a session, with the account it belongs to.
    await t
      .as(token)
      .delete('/api/me/two-factor/totp')
      .send({ password: user.password })
      .expect(204);
    const session = await t.app.get(AuthService).continueLogin(readBeforeHash, undefined);
    expect(session).toMatchObject({
      status: 'authenticated',
      user: { account: { id: user.accountId } },
    });
  });

  it('S7: a setup token signs in once, whichever setup route it goes to', async () => {
    const { member, setupToken } = await memberWithSetupToken();
    const address = `setup-${member.id.slice(0, 8)}@example.org`;
    await t.as(setupToken).post('/api/me/two-factor/email').send({ email: address }).expect(202);
    const enrolment = await t.as(setupToken).post('/api/me/two-factor/totp').send({}).expect(201);
    const run = await inParallel([
      () =>
        t
          .as(setupToken)
          .post('/api/me/two-factor/email/confirm')
          .send({ code: t.mail.latestCodeFor(address) }),
      () =>
        t
          .as(setupToken)
          .post('/api/me/two-factor/totp/confirm')
          .send({ code: totpCode(enrolment.body.secret as string, now()) }),
    ]);
    const sessions = run.responses.filter((r) => typeof r.body.accessToken === 'string');
    expect(sessions).toHaveLength(1);
    const again = await t.as(setupToken).get('/api/me/two-factor');
    expect(again.status).toBe(401);
  });

  it('S4, B6: of six password changes at once from one current password, one wins and ends the other sessions', async () => {
    const user = await createAccountWithUser(t, 'member');
    const sessions = [];
    for (let i = 0; i < 6; i++) sessions.push(await signIn(t, user));
    const run = await inParallel(
      sessions.map(
        ({ accessToken }, i) =>
          () =>
            t
              .as(accessToken)
              .post('/api/me/password')
              .send({ currentPassword: user.password, newPassword: `new password number ${i}` }),
      ),
    );
    expect(run.maxInFlight).toBeGreaterThan(2);
    expect(statusCounts(run.responses)).toEqual({ 204: 1, 403: 5 });
    const winner = run.responses.findIndex((response) => response.status === 204);
    for (const [i, response] of run.responses.entries()) {
      const login = { email: user.email, password: `new password number ${i}` };
      // The winner's session carries on under the new session version, once refreshed.
      const refreshed = await t.http
        .post('/api/auth/refresh')
        .send({ refreshToken: sessions[i].refreshToken });
      if (i === winner) {
        expect(refreshed.status).toBe(200);
        await t.http.post('/api/auth/login').send(login).expect(200);
        continue;
      }
      expect(response.body.code).toBe('INVALID_PASSWORD');
      expect(refreshed.status).toBe(401);
      await t.http.post('/api/auth/login').send(login).expect(401);
    }
  });

  it('S7: a challenge started before a password change is refused', async () => {
    const { user, token, secret } = await userWithApp();
    const { challengeToken } = await startChallenge(t, user);
    await t
      .as(token)
      .post('/api/me/password')
      .send({ currentPassword: user.password, newPassword: 'a brand new password' })
      .expect(204);
    const answer = await verify(challengeToken, totpCode(secret, now()));
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('CHALLENGE_EXPIRED');
  });

  it('S6: refreshing never moves a session past its first login plus its lifetime', async () => {
    const user = await createAccountWithUser(t, 'member');
    const first = await signIn(t, user);
    const started = now();
    t.clock.advance(20 * DAY);
    const refreshed = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: first.refreshToken })
      .expect(200);
    const rows = await t.app
      .get(DataSource)
      .getRepository(RefreshToken)
      .findBy({ userId: user.id });
    for (const row of rows) {
      expect(row.expiresAt.getTime()).toBeLessThanOrEqual(
        started + t.config.sessionMaxAgeSeconds * 1000,
      );
    }
    t.clock.advance(10 * DAY + 60_000);
    const late = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: refreshed.body.refreshToken });
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('S6: a session that skipped the second factor on a trusted device ends when the device is removed', async () => {
    const { user, secret } = await userWithApp();
    const { challengeToken } = await startChallenge(t, user);
    const remembered = await t.http
      .post('/api/auth/two-factor/verify')
      .send({ challengeToken, code: totpCode(secret, now()), rememberDevice: true })
      .expect(200);
    const viaDevice = await t.http
      .post('/api/auth/login')
      .send({
        email: user.email,
        password: user.password,
        deviceToken: remembered.body.deviceToken,
      })
      .expect(200);
    expect(viaDevice.body.status).toBe('authenticated');
    const devices = await t
      .as(remembered.body.accessToken)
      .get('/api/me/trusted-devices')
      .expect(200);
    await t
      .as(remembered.body.accessToken)
      .delete(`/api/me/trusted-devices/${devices.body[0].id}`)
      .expect(204);
    await t.as(viaDevice.body.accessToken).get('/api/me').expect(401);
    await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: viaDevice.body.refreshToken })
      .expect(401);
    await t.as(remembered.body.accessToken).get('/api/me').expect(200);
  });

  it('P6: wrong current passwords are limited per user; then even the right one is refused, and each wrong one is audited', async () => {
    const user = await createAccountWithUser(t, 'member');
    const { accessToken } = await signIn(t, user);
    const change = (currentPassword: string) =>
      t
        .as(accessToken)
        .post('/api/me/password')
        .send({ currentPassword, newPassword: 'another long password' });
    for (let i = 0; i < 5; i++) expect((await change('not my password')).status).toBe(403);
    const limited = await change(user.password);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(limited.body.retryAfter).toBeGreaterThan(0);
    const audited = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .findBy({ userId: user.id, type: 'password.recheck_failed' });
    expect(audited).toHaveLength(5);
    t.clock.advance(15 * 60_000 + 1_000);
    const fresh = (await signIn(t, user)).accessToken;
    await t
      .as(fresh)
      .post('/api/me/password')
      .send({ currentPassword: user.password, newPassword: 'another long password' })
      .expect(204);
  });

  it('E7: one user can send setup codes to a bounded number of new addresses an hour', async () => {
    const user = await createAccountWithUser(t, 'member');
    const { accessToken } = await signIn(t, user);
    const setUp = (n: number) =>
      t
        .as(accessToken)
        .post('/api/me/two-factor/email')
        .send({ password: user.password, email: `flood-${n}@example.net` });
    for (let n = 0; n < 5; n++) await setUp(n).expect(202);
    const refused = await setUp(5);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
    expect(t.mail.messages.filter((m) => m.to[0] === 'flood-5@example.net')).toHaveLength(0);
  });

  it('I4: a malformed gk_device cookie and strings the column cannot hold answer 400, never 500', async () => {
    const user = await createAccountWithUser(t, 'admin');
    const cookie = await t.http
      .post('/api/auth/login')
      .set('Cookie', 'gk_device=%E0%A4%A')
      .send({ email: user.email, password: user.password });
    expect(cookie.status).toBe(400);
    const { accessToken } = await signIn(t, user);
    for (const name of [
      'a'.repeat(119) + '\u{1F600}'.repeat(2),
      'x\uFE0F'.repeat(100),
      'lone \uD800',
      'two\nlines',
    ]) {
      const response = await t
        .as(accessToken)
        .post('/api/admin/users')
        .send({
          email: `len-${Math.random()}@example.com`,
          name,
          password: 'long enough',
          role: 'member',
        });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('P7: email comparison folds case only, never accents', async () => {
    const admin = await createAccountWithUser(t, 'admin');
    const { accessToken } = await signIn(t, admin);
    const create = (email: string) =>
      t
        .as(accessToken)
        .post('/api/admin/users')
        .send({ email, name: 'Uni', password: 'long enough password', role: 'member' });
    await create('ünï@exämple.com').expect(201);
    const plain = await create('UNI@example.com');
    expect(plain.status).toBe(201);
    const wrong = await t.http
      .post('/api/auth/login')
      .send({ email: 'uni@example.com', password: 'long enough password' })
      .expect(200);
    expect(wrong.body.user.email).toBe('uni@example.com');
  });

  it('S3: a token signed with the right key but another issuer opens nothing', async () => {
    const user = await createAccountWithUser(t, 'member');
    const { accessToken } = await signIn(t, user);
    const claims = JSON.parse(
      Buffer.from(accessToken.split('.')[1], 'base64url').toString(),
    ) as Record<string, unknown>;
    const forged = sign({ ...claims, iss: 'someone-else' }, t.config.jwtSecret, {
      algorithm: 'HS256',
    });
    const response = await t.as(forged).get('/api/me');
    expect(response.status).toBe(401);
    await t.as(accessToken).get('/api/me').expect(200);
  });

  it('S3: a token of any kind signed with the right key but without `exp` opens nothing', async () => {
    const withoutExp = (token: string) => {
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<
        string,
        unknown
      >;
      expect(typeof claims.exp).toBe('number');
      delete claims.exp;
      return sign(claims, t.config.jwtSecret, { algorithm: 'HS256' });
    };

    const user = await createAccountWithUser(t, 'member');
    const { accessToken } = await signIn(t, user);
    const access = await t.as(withoutExp(accessToken)).get('/api/me');
    expect(access.status).toBe(401);
    expect(access.body.code).toBe('UNAUTHENTICATED');

    const { user: withApp, secret } = await userWithApp();
    const { challengeToken } = await startChallenge(t, withApp);
    const challenge = await verify(withoutExp(challengeToken), totpCode(secret, now()));
    expect(challenge.status).toBe(401);
    expect(challenge.body.code).toBe('CHALLENGE_EXPIRED');
    // Refused before anything was spent: the real token and the same code still pass.
    await verify(challengeToken, totpCode(secret, now())).expect(200);

    const { setupToken } = await memberWithSetupToken();
    const setup = await t.as(withoutExp(setupToken)).get('/api/me/two-factor');
    expect(setup.status).toBe(401);
    await t.as(setupToken).get('/api/me/two-factor').expect(200);
  });
});
