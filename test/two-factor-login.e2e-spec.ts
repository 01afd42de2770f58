import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { DataSource } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { TotpFactor } from 'src/two-factor/totp/totp-factor.entity';
import { AttemptCounter } from 'src/rate-limit/attempt-counter.entity';
import { createAccountWithUser, signIn, type TestUser } from './support/factories';
import { totpCode } from './support/independent-totp';
import { inParallel } from './support/parallel';
import { startTestApp, type TestApp } from './support/test-app';
import {
  enableTotpMethod,
  nextTotpStep,
  startChallenge,
  userWithMethods,
} from './support/two-factor';

describe('Second factor at login', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const now = () => t.clock.now().getTime();
  const verify = (challengeToken: string, code: unknown) =>
    t.http.post('/api/auth/two-factor/verify').send({ challengeToken, code });

  const userWith = (methods: ('totp' | 'email')[]) => userWithMethods(t, methods);

  async function signInWithEmailCode(user: TestUser, address: string) {
    const { challengeToken } = await startChallenge(t, user);
    return (await verify(challengeToken, t.mail.latestCodeFor(address)).expect(200)).body as {
      accessToken: string;
    };
  }

  async function events(user: TestUser, type: string) {
    return t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .findBy({ userId: user.id, type: type as AuditEvent['type'] });
  }

  it('T7: the secret is encrypted at rest; enrolment answers the manual key, an otpauth URL (T3) and a QR code of it', async () => {
    const user = await createAccountWithUser(t, 'member');
    const token = (await signIn(t, user)).accessToken;
    const enrolment = await t
      .as(token)
      .post('/api/me/two-factor/totp')
      .send({ password: user.password })
      .expect(201);
    const { secret, otpauthUrl, qrCode } = enrolment.body as Record<string, string>;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe(`/Gatekeeper:${user.email}`);
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('Gatekeeper');

    expect(qrCode.startsWith('data:image/png;base64,')).toBe(true);
    const png = PNG.sync.read(Buffer.from(qrCode.slice('data:image/png;base64,'.length), 'base64'));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(otpauthUrl);

    const stored = await t.app
      .get(DataSource)
      .getRepository(TotpFactor)
      .findOneByOrFail({ userId: user.id });
    expect(stored.pendingSecret).not.toContain(secret);
    expect(stored.secret).toBeNull();

    // Until confirmed, login asks for nothing.
    expect((await signIn(t, user)).status).toBe('authenticated');
    await t
      .as(token)
      .post('/api/me/two-factor/totp/confirm')
      .send({ code: totpCode(secret, now()) })
      .expect(200);
    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(status.body.totp.enabled).toBe(true);
    expect(JSON.stringify(status.body)).not.toContain(secret);
  });

  it('S2: a user with an app gets a challenge, never a session, until a code computed independently from the secret completes it', async () => {
    const { user, secret } = await userWith(['totp']);
    const challenge = await startChallenge(t, user);
    expect(challenge).toMatchObject({ method: 'totp', methods: ['totp'] });
    expect(challenge).not.toHaveProperty('accessToken');

    const session = await verify(challenge.challengeToken, totpCode(secret, now())).expect(200);
    expect(session.body).toMatchObject({ status: 'authenticated', user: { id: user.id } });
    await t.as(session.body.accessToken).get('/api/me').expect(200);
    // S2: the challenge was spent.
    const again = await verify(challenge.challengeToken, totpCode(secret, now(), 1));
    expect(again.body.code).toBe('CHALLENGE_EXPIRED');
  });

  it('S1: a challenge token opens no other route (401 TWO_FACTOR_REQUIRED)', async () => {
    const { user } = await userWith(['totp']);
    const { challengeToken } = await startChallenge(t, user);
    const routes = [
      t.http.get('/api/me'),
      t.http.get('/api/me/two-factor'),
      t.http.post('/api/me/two-factor/totp').send({ password: user.password }),
      t.http.post('/api/auth/logout-all'),
      t.http.get('/api/admin/users'),
    ];
    for (const route of routes) {
      const response = await route.auth(challengeToken, { type: 'bearer' });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('TWO_FACTOR_REQUIRED');
    }
    const asRefresh = await t.http.post('/api/auth/refresh').send({ refreshToken: challengeToken });
    expect(asRefresh.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('S1: the challenge lives 10 minutes', async () => {
    const { user, secret } = await userWith(['totp']);
    const { challengeToken } = await startChallenge(t, user);
    t.clock.advance(10 * 60_000 + 1_000);
    const late = await verify(challengeToken, totpCode(secret, now()));
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('CHALLENGE_EXPIRED');
  });

  it('T4: accepts the previous and next 30-s step, refuses two steps away', async () => {
    const { user, secret } = await userWith(['totp']);
    // One step further, so the previous step is not the enrolment code's (T5 would refuse it).
    nextTotpStep(t);
    const previous = await verify(
      (await startChallenge(t, user)).challengeToken,
      totpCode(secret, now(), -1),
    );
    expect(previous.status).toBe(200);
    nextTotpStep(t);
    const next = await verify(
      (await startChallenge(t, user)).challengeToken,
      totpCode(secret, now(), 1),
    );
    expect(next.status).toBe(200);
    nextTotpStep(t);
    nextTotpStep(t);
    for (const offset of [-2, 2]) {
      const far = await verify(
        (await startChallenge(t, user)).challengeToken,
        totpCode(secret, now(), offset),
      );
      expect(far.body.code).toBe('INVALID_CODE');
    }
  });

  it('T5: a code already used — the enrolment code included — is refused with CODE_ALREADY_USED, and the replay is audited', async () => {
    const user = await createAccountWithUser(t, 'member');
    const token = (await signIn(t, user)).accessToken;
    nextTotpStep(t);
    const secret = await enableTotpMethod(t, user, token);
    const enrolmentCode = totpCode(secret, now());
    const replay = await verify((await startChallenge(t, user)).challengeToken, enrolmentCode);
    expect(replay.status).toBe(401);
    // Its own code, so a person knows to wait for the next one rather than retype it.
    expect(replay.body.code).toBe('CODE_ALREADY_USED');
    expect(await events(user, 'two_factor.replay_refused')).toHaveLength(1);
  });

  it('T5: 20 parallel submissions of one TOTP code give exactly one session', async () => {
    const { user, secret } = await userWith(['totp']);
    const challenges = await Promise.all(Array.from({ length: 20 }, () => startChallenge(t, user)));
    const code = totpCode(secret, now());
    const { responses: answers, maxInFlight } = await inParallel(
      challenges.map((c) => () => verify(c.challengeToken, code)),
    );
    expect(maxInFlight).toBeGreaterThan(1);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const state = await t.app
      .get(DataSource)
      .getRepository(TotpFactor)
      .findOneByOrFail({ userId: user.id });
    expect(state.lastUsedStep).toBe(Math.floor(now() / 30_000));
  });

  it('E3: 20 parallel submissions of one emailed code give exactly one session', async () => {
    const { user, address } = await userWith(['email']);
    const challenge = await startChallenge(t, user);
    const code = t.mail.latestCodeFor(address);
    const { responses: answers, maxInFlight } = await inParallel(
      Array.from({ length: 20 }, () => () => verify(challenge.challengeToken, code)),
    );
    expect(maxInFlight).toBeGreaterThan(1);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.every((answer) => answer.status < 500)).toBe(true);
  });

  it('both methods: login asks for the one last used, and "use another method" switches with one code needed', async () => {
    const { user, secret, address } = await userWith(['totp', 'email']);
    const first = await startChallenge(t, user);
    expect(first.methods.sort()).toEqual(['email', 'totp']);
    // Email was confirmed last at setup, but no login has succeeded yet: the app is asked first.
    expect(first.method).toBe('totp');

    t.mail.clear();
    const switched = await t.http
      .post('/api/auth/two-factor/method')
      .send({ challengeToken: first.challengeToken, method: 'email' })
      .expect(200);
    expect(switched.body).toEqual({
      method: 'email',
      emailHint: `c•••@example.org`,
      challenge: { hint: `c•••@example.org` },
    });
    const code = t.mail.latestCodeFor(address);
    await verify(first.challengeToken, code).expect(200);

    const second = await startChallenge(t, user);
    expect(second.method).toBe('email');
    expect(second.emailHint).toBe('c•••@example.org');
    const totpNow = await t.http
      .post('/api/auth/two-factor/method')
      .send({ challengeToken: second.challengeToken, method: 'totp' })
      .expect(200);
    expect(totpNow.body).toEqual({ method: 'totp' });
    await verify(second.challengeToken, totpCode(secret, now())).expect(200);
    expect((await startChallenge(t, user)).method).toBe('totp');
  });

  it('E5: eight switches to email at once on one sign-in send one code, and it signs in', async () => {
    const { user, address } = await userWith(['totp', 'email']);
    const { challengeToken } = await startChallenge(t, user);
    t.mail.clear();
    const run = await inParallel(
      Array.from(
        { length: 8 },
        () => () =>
          t.http.post('/api/auth/two-factor/method').send({ challengeToken, method: 'email' }),
      ),
    );
    expect(run.maxInFlight).toBeGreaterThan(4);
    expect(run.responses.map((response) => response.status)).toEqual(Array(8).fill(200));
    expect(t.mail.messages.filter(({ to }) => to.includes(address))).toHaveLength(1);
    await verify(challengeToken, t.mail.latestCodeFor(address)).expect(200);
  });

  it('E5: resend at login waits 60 s, sends nothing when refused, and keeps the failure count', async () => {
    const { user, address } = await userWith(['email']);
    const challenge = await startChallenge(t, user);
    await verify(challenge.challengeToken, '000000').expect(401);
    t.mail.clear();
    const early = await t.http
      .post('/api/auth/two-factor/resend')
      .send({ challengeToken: challenge.challengeToken });
    expect(early.status).toBe(429);
    expect(early.body.code).toBe('RESEND_TOO_SOON');
    expect(early.body.retryAfter).toBeGreaterThan(0);
    expect(t.mail.messages).toHaveLength(0);

    t.clock.advance(61_000);
    await t.http
      .post('/api/auth/two-factor/resend')
      .send({ challengeToken: challenge.challengeToken })
      .expect(202);
    const state = await t.app
      .get(DataSource)
      .getRepository(AttemptCounter)
      .findOneByOrFail({ scope: 'second_factor', subjectId: user.id });
    expect(state.attempts).toBe(1);
    await verify(challenge.challengeToken, t.mail.latestCodeFor(address)).expect(200);
  });

  it('B1: a challenge dies after 5 wrong codes, even for the right one', async () => {
    const { user, secret } = await userWith(['totp']);
    const { challengeToken } = await startChallenge(t, user);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await verify(challengeToken, '000000')).body.code);
    expect(answers).toEqual([
      'INVALID_CODE',
      'INVALID_CODE',
      'INVALID_CODE',
      'INVALID_CODE',
      'TOO_MANY_ATTEMPTS',
    ]);
    const right = await verify(challengeToken, totpCode(secret, now()));
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('TOO_MANY_ATTEMPTS');
    // A fresh login still works: only that challenge is dead.
    await verify((await startChallenge(t, user)).challengeToken, totpCode(secret, now())).expect(
      200,
    );
  });

  it('B2: 10 failures across challenges lock the second factor for 15 minutes; the right code is refused meanwhile', async () => {
    const { user, secret } = await userWith(['totp']);
    for (let round = 0; round < 2; round++) {
      const { challengeToken } = await startChallenge(t, user);
      for (let i = 0; i < 5; i++) await verify(challengeToken, '111111');
    }
    const locked = await verify(
      (await startChallenge(t, user)).challengeToken,
      totpCode(secret, now()),
    );
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(await events(user, 'two_factor.locked_out')).toHaveLength(1);

    t.clock.advance(15 * 60_000 + 1_000);
    nextTotpStep(t);
    await verify((await startChallenge(t, user)).challengeToken, totpCode(secret, now())).expect(
      200,
    );
  });

  it('B3: 50 parallel wrong codes add exactly 50 to the counter', async () => {
    const { user } = await userWith(['totp']);
    const challenges = await Promise.all(Array.from({ length: 10 }, () => startChallenge(t, user)));
    const { responses: answers, maxInFlight } = await inParallel(
      challenges.flatMap((c) =>
        Array.from({ length: 5 }, () => () => verify(c.challengeToken, '222222')),
      ),
    );
    expect(maxInFlight).toBeGreaterThan(1);
    expect(answers.every((answer) => answer.status === 401 || answer.status === 429)).toBe(true);
    const state = await t.app
      .get(DataSource)
      .getRepository(AttemptCounter)
      .findOneByOrFail({ scope: 'second_factor', subjectId: user.id });
    expect(state.attempts).toBe(50);
  });

  it('I1: malformed codes answer 400 and count for nothing, never 500', async () => {
    const { user, secret } = await userWith(['totp']);
    const { challengeToken } = await startChallenge(t, user);
    const bad: unknown[] = [
      123456,
      ['123456'],
      '12345',
      '1234567',
      '１２３４５６',
      '١٢٣٤٥٦',
      '12 456',
      '',
      null,
      { $gt: '' },
      'abcdef',
    ];
    for (const code of bad) {
      const response = await verify(challengeToken, code);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
    const missing = await t.http.post('/api/auth/two-factor/verify').send({ challengeToken });
    expect(missing.status).toBe(400);
    // Surrounding spaces are forgiven.
    await verify(challengeToken, ` ${totpCode(secret, now())} `).expect(200);
  });

  it('L1: audits password and second-factor success and failure, with IP and user agent, and no code', async () => {
    const { user, secret } = await userWith(['totp']);
    await t.http
      .post('/api/auth/login')
      .set('User-Agent', 'AuditTest/1.0')
      .send({ email: user.email, password: 'wrong-password-x' });
    const { challengeToken } = await startChallenge(t, user);
    await verify(challengeToken, '333333');
    const code = totpCode(secret, now());
    await t.http
      .post('/api/auth/two-factor/verify')
      .set('User-Agent', 'AuditTest/1.0')
      .send({ challengeToken, code })
      .expect(200);

    const all = await t.app.get(DataSource).getRepository(AuditEvent).findBy({ userId: user.id });
    const types = all.map((event) => event.type);
    for (const type of [
      'login.failed',
      'login.succeeded',
      'two_factor.failed',
      'two_factor.succeeded',
      'two_factor.method_enabled',
    ]) {
      expect(types).toContain(type);
    }
    const success = all.find((event) => event.type === 'two_factor.succeeded')!;
    expect(success).toMatchObject({ factor: 'totp', userAgent: 'AuditTest/1.0', actorId: user.id });
    expect(success.ip).toBeTruthy();
    expect(JSON.stringify(all)).not.toContain(code);
    expect(JSON.stringify(all)).not.toContain(secret);
    expect(JSON.stringify(all)).not.toContain(user.password);
  });

  it('T6: a new authenticator app stays pending and the old one works until the new one is confirmed', async () => {
    const { user, token, secret: oldSecret } = await userWith(['totp']);
    const enrolment = await t
      .as(token)
      .post('/api/me/two-factor/totp')
      .send({ password: user.password })
      .expect(201);
    const newSecret = enrolment.body.secret as string;
    expect(newSecret).not.toBe(oldSecret);
    await verify((await startChallenge(t, user)).challengeToken, totpCode(oldSecret, now())).expect(
      200,
    );
    nextTotpStep(t);
    const fresh = (await signIn(t, user)) as unknown as { challengeToken: string };
    expect(fresh.challengeToken).toBeDefined();
    const newBeforeConfirm = await verify(fresh.challengeToken, totpCode(newSecret, now()));
    expect(newBeforeConfirm.body.code).toBe('INVALID_CODE');

    nextTotpStep(t);
    await t
      .as(token)
      .post('/api/me/two-factor/totp/confirm')
      .send({ code: totpCode(newSecret, now()) })
      .expect(200);
    nextTotpStep(t);
    const oldAfter = await verify(
      (await startChallenge(t, user)).challengeToken,
      totpCode(oldSecret, now()),
    );
    expect(oldAfter.body.code).toBe('INVALID_CODE');
    await verify((await startChallenge(t, user)).challengeToken, totpCode(newSecret, now())).expect(
      200,
    );
  });

  it('B5: a missing or empty code is a failure, never a success', async () => {
    const { user } = await userWith(['totp']);
    const { challengeToken } = await startChallenge(t, user);
    for (const body of [
      { challengeToken },
      { challengeToken, code: '' },
      { challengeToken, code: '      ' },
    ]) {
      const response = await t.http.post('/api/auth/two-factor/verify').send(body);
      expect(response.status).toBe(400);
      expect(response.body).not.toHaveProperty('accessToken');
    }
  });

  it('E4: an emailed code is bound to its challenge and purpose, and a newer code replaces the older', async () => {
    const { user, address } = await userWith(['email']);
    const first = await startChallenge(t, user);
    const firstCode = t.mail.latestCodeFor(address);
    await startChallenge(t, user);
    const secondCode = t.mail.latestCodeFor(address);
    // The second challenge's code replaced the first; and a code never crosses challenges.
    if (firstCode !== secondCode) {
      expect((await verify(first.challengeToken, firstCode)).body.code).toBe('INVALID_CODE');
    }
    expect((await verify(first.challengeToken, secondCode)).body.code).toBe('INVALID_CODE');
    // A profile setup code is not a login code.
    const token = (await signInWithEmailCode(user, address)).accessToken;
    await t
      .as(token)
      .post('/api/me/two-factor/email')
      .send({ password: user.password, email: 'setup-only@example.org' })
      .expect(202);
    const setupCode = t.mail.latestCodeFor('setup-only@example.org');
    const third = await startChallenge(t, user);
    expect((await verify(third.challengeToken, setupCode)).body.code).toBe('INVALID_CODE');
  });

  it('P4: no way in skips the second factor: login answers no token, and a refresh token exists only after it', async () => {
    const { user, secret } = await userWith(['totp']);
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    expect(Object.keys(login.body).sort()).toEqual([
      'challengeToken',
      'method',
      'methods',
      'status',
    ]);
    const asRefresh = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: login.body.challengeToken });
    expect(asRefresh.status).toBe(401);
    const session = await verify(
      login.body.challengeToken as string,
      totpCode(secret, now()),
    ).expect(200);
    const refreshed = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: session.body.refreshToken })
      .expect(200);
    await t
      .as(refreshed.body.accessToken as string)
      .get('/api/me')
      .expect(200);
  });

  it('removal needs the password, and a user without methods signs in with the password alone', async () => {
    const { user, token } = await userWith(['totp']);
    const wrong = await t
      .as(token)
      .delete('/api/me/two-factor/totp')
      .send({ password: 'nope-nope-nope' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('INVALID_PASSWORD');
    await t
      .as(token)
      .delete('/api/me/two-factor/totp')
      .send({ password: user.password })
      .expect(204);
    expect((await signIn(t, user)).status).toBe('authenticated');
    expect(await events(user, 'two_factor.method_removed')).toHaveLength(1);
  });
});
