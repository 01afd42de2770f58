import { DataSource } from 'typeorm';
import { OneTimeCode } from 'src/two-factor/email/one-time-code.entity';
import { createAccountWithUser, signIn, type TestUser } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { enableEmailMethod, startChallenge } from './support/two-factor';

describe('Email second factor', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function newUser(): Promise<{ user: TestUser; token: string }> {
    const user = await createAccountWithUser(t, 'member');
    return { user, token: (await signIn(t, user)).accessToken };
  }

  const profile = (token: string) => ({
    get: (path: string) => t.as(token).get(path),
    post: (path: string) => t.as(token).post(path),
    delete: (path: string) => t.as(token).delete(path),
  });

  it('E1: sets up codes to an address other than the login email, confirmed by a mailed 6-digit code', async () => {
    const { user, token } = await newUser();
    const started = await profile(token)
      .post('/api/me/two-factor/email')
      .send({ password: user.password, email: 'Phone.Inbox@Example.org' });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ pendingAddress: 'phone.inbox@example.org' });

    const mail = await t.mail.waitFor((m) => m.to.includes('phone.inbox@example.org'));
    const code = t.mail.latestCodeFor('phone.inbox@example.org');
    expect(code).toMatch(/^\d{6}$/);
    expect(mail.to).not.toContain(user.email);

    // E1: stored only as a keyed hash.
    const stored = await t.app
      .get(DataSource)
      .getRepository(OneTimeCode)
      .findOneByOrFail({ userId: user.id });
    expect(stored.codeHash).not.toContain(code);
    expect(JSON.stringify(stored)).not.toContain(code);

    const pending = await profile(token).get('/api/me/two-factor').expect(200);
    expect(pending.body.email).toEqual({
      enabled: false,
      address: null,
      pendingAddress: 'phone.inbox@example.org',
    });

    const confirmed = await profile(token)
      .post('/api/me/two-factor/email/confirm')
      .send({ code })
      .expect(200);
    expect(confirmed.body).toEqual({
      status: 'method_enabled',
      enabled: true,
      address: 'phone.inbox@example.org',
    });
    const status = await profile(token).get('/api/me/two-factor').expect(200);
    expect(status.body).toMatchObject({
      required: false,
      email: { enabled: true, address: 'phone.inbox@example.org', pendingAddress: null },
      totp: { enabled: false, configuredAt: null },
    });
    // L3: the login email hears that a method was turned on, with no code in it.
    const notice = await t.mail.waitFor(
      (m) => m.to.includes(user.email) && /enabled|turned on/i.test(m.subject),
    );
    expect(notice.text).not.toMatch(/\b\d{6}\b/);
  });

  it('E3: a confirmed code cannot be used again', async () => {
    const { user, token } = await newUser();
    await profile(token)
      .post('/api/me/two-factor/email')
      .send({ password: user.password, email: 'once@example.org' })
      .expect(202);
    const code = t.mail.latestCodeFor('once@example.org');
    await profile(token).post('/api/me/two-factor/email/confirm').send({ code }).expect(200);
    await profile(token)
      .post('/api/me/two-factor/email')
      .send({ password: user.password, email: 'twice@example.org' })
      .expect(202);
    const reuse = await profile(token).post('/api/me/two-factor/email/confirm').send({ code });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('INVALID_CODE');
  });

  it('refuses a wrong password with 403 INVALID_PASSWORD and sends nothing', async () => {
    const { token } = await newUser();
    t.mail.clear();
    const response = await profile(token)
      .post('/api/me/two-factor/email')
      .send({ password: 'wrong-password', email: 'nobody@example.org' });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('INVALID_PASSWORD');
    expect(t.mail.messages).toHaveLength(0);
    const status = await profile(token).get('/api/me/two-factor').expect(200);
    expect(status.body.email.pendingAddress).toBeNull();
  });

  it('E5: "send me another code" waits 60 s between codes and answers retryAfter', async () => {
    const { user, token } = await newUser();
    await profile(token)
      .post('/api/me/two-factor/email')
      .send({ password: user.password, email: 'resend@example.org' })
      .expect(202);
    const first = t.mail.latestCodeFor('resend@example.org');
    t.mail.clear();

    t.clock.advance(30_000);
    const tooSoon = await profile(token).post('/api/me/two-factor/email/resend');
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body).toMatchObject({ code: 'RESEND_TOO_SOON', retryAfter: 30 });
    expect(tooSoon.headers['retry-after']).toBe('30');
    expect(t.mail.messages).toHaveLength(0);

    t.clock.advance(30_000);
    await profile(token).post('/api/me/two-factor/email/resend').expect(202);
    const second = t.mail.latestCodeFor('resend@example.org');
    // E4: the newer code replaces the older one.
    if (second !== first) {
      const old = await profile(token)
        .post('/api/me/two-factor/email/confirm')
        .send({ code: first });
      expect(old.body.code).toBe('INVALID_CODE');
    }
    await profile(token)
      .post('/api/me/two-factor/email/confirm')
      .send({ code: second })
      .expect(200);
  });

  it('modify email address: the old address stays in force until the new one is confirmed', async () => {
    const { user, token } = await newUser();
    await enableEmailMethod(t, user, token, 'old-inbox@example.org');
    await profile(token)
      .post('/api/me/two-factor/email')
      .send({ password: user.password, email: 'new-inbox@example.org' })
      .expect(202);

    const meanwhile = await profile(token).get('/api/me/two-factor').expect(200);
    expect(meanwhile.body.email).toEqual({
      enabled: true,
      address: 'old-inbox@example.org',
      pendingAddress: 'new-inbox@example.org',
    });
    // Login still sends its code to the old address.
    const challenge = await startChallenge(t, user);
    expect(challenge.method).toBe('email');
    expect(challenge.emailHint).toBe('o•••@example.org');
    await t.mail.waitFor(
      (m) => m.to.includes('old-inbox@example.org') && /sign-in/i.test(m.subject),
    );

    await profile(token)
      .post('/api/me/two-factor/email/confirm')
      .send({ code: t.mail.latestCodeFor('new-inbox@example.org') })
      .expect(200);
    const after = await profile(token).get('/api/me/two-factor').expect(200);
    expect(after.body.email).toEqual({
      enabled: true,
      address: 'new-inbox@example.org',
      pendingAddress: null,
    });
  });

  it('E2: a setup code is accepted at 9:59 and refused at 10:01', async () => {
    const { user, token } = await newUser();
    await profile(token)
      .post('/api/me/two-factor/email')
      .send({ password: user.password, email: 'clock@example.org' })
      .expect(202);
    t.clock.advance(9 * 60_000 + 59_000);
    await profile(token)
      .post('/api/me/two-factor/email/confirm')
      .send({ code: t.mail.latestCodeFor('clock@example.org') })
      .expect(200);

    const other = await newUser();
    await profile(other.token)
      .post('/api/me/two-factor/email')
      .send({ password: other.user.password, email: 'late@example.org' })
      .expect(202);
    t.clock.advance(10 * 60_000 + 1_000);
    const late = await profile(other.token)
      .post('/api/me/two-factor/email/confirm')
      .send({ code: t.mail.latestCodeFor('late@example.org') });
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('CODE_EXPIRED');
  });

  it('removing email codes needs the password', async () => {
    const { user, token } = await newUser();
    await enableEmailMethod(t, user, token, 'remove-me@example.org');
    const wrong = await profile(token)
      .delete('/api/me/two-factor/email')
      .send({ password: 'not-it-at-all' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('INVALID_PASSWORD');
    expect((await profile(token).get('/api/me/two-factor')).body.email.enabled).toBe(true);

    await profile(token)
      .delete('/api/me/two-factor/email')
      .send({ password: user.password })
      .expect(204);
    expect((await profile(token).get('/api/me/two-factor')).body.email.enabled).toBe(false);
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    expect(login.body.status).toBe('authenticated');
  });
});

describe('Email second factor when mail is down', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ SMTP_URL: 'smtp://127.0.0.1:1' });
  });
  afterAll(() => t.close());

  it('answers 503 MAIL_UNAVAILABLE and leaves no half-enabled method', async () => {
    const user = await createAccountWithUser(t, 'member');
    const token = (await signIn(t, user)).accessToken;
    const response = await t
      .as(token)
      .post('/api/me/two-factor/email')
      .send({ password: user.password, email: 'unreachable@example.org' });
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('MAIL_UNAVAILABLE');
    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(status.body.email).toEqual({ enabled: false, address: null, pendingAddress: null });
    const resend = await t.as(token).post('/api/me/two-factor/email/resend');
    expect(resend.body.code).toBe('NOTHING_PENDING');
  });
});
