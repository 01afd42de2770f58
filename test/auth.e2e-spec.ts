import { sign } from 'jsonwebtoken';
import { createAccountWithUser, signIn, type TestUser } from './support/factories';
import { BOOTSTRAP_ADMIN, startTestApp, type TestApp } from './support/test-app';

describe('Password sessions', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    user = await createAccountWithUser(t, 'member');
  });
  afterAll(() => t.close());

  it('bootstrap: ADMIN_EMAIL/ADMIN_PASSWORD created the first administrator on the empty database', async () => {
    const session = await signIn(t, BOOTSTRAP_ADMIN);
    const me = await t.as(session.accessToken).get('/api/me').expect(200);
    expect(me.body).toMatchObject({
      email: BOOTSTRAP_ADMIN.email,
      role: 'admin',
      account: { name: 'Default account' },
    });
  });

  it('logs in with email and password and answers the full session', async () => {
    const response = await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'authenticated',
      expiresIn: 900,
      user: { id: user.id, email: user.email, role: 'member', account: { id: user.accountId } },
    });
    expect(typeof response.body.accessToken).toBe('string');
    expect(typeof response.body.refreshToken).toBe('string');
  });

  it('P5: matches the email whatever its case and surrounding spaces', async () => {
    await signIn(t, { email: `  ${user.email.toUpperCase()} `, password: user.password });
  });

  it('P3: unknown email and wrong password get the same INVALID_CREDENTIALS answer', async () => {
    const wrongPassword = await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: 'not-the-password' });
    const unknownEmail = await t.http
      .post('/api/auth/login')
      .send({ email: 'nobody@example.com', password: 'not-the-password' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('P2: a password differing only after byte 72 is a different password', async () => {
    const long = 'a'.repeat(80);
    const created = await t
      .as((await signIn(t, BOOTSTRAP_ADMIN)).accessToken)
      .post('/api/admin/users')
      .send({ email: 'long-password@example.com', name: 'Long', password: long, role: 'member' })
      .expect(201);
    expect(created.body.email).toBe('long-password@example.com');
    await signIn(t, { email: 'long-password@example.com', password: long });
    const truncated = await t.http
      .post('/api/auth/login')
      .send({ email: 'long-password@example.com', password: `${'a'.repeat(72)}bbbbbbbb` });
    expect(truncated.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('S5: refresh rotates the token, and reusing a rotated token ends the whole session family', async () => {
    const first = await signIn(t, user);
    const second = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: first.refreshToken })
      .expect(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);

    const reuse = await t.http.post('/api/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('INVALID_REFRESH_TOKEN');

    // The reuse revoked the family, so the legitimately rotated token is dead too.
    const afterReuse = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: second.body.refreshToken });
    expect(afterReuse.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('S5: two parallel refreshes with one token give exactly one new session', async () => {
    const session = await signIn(t, user);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
  });

  it('S5: a refresh token is refused once its 30 days have passed', async () => {
    const session = await signIn(t, user);
    t.clock.advance(30 * 24 * 3600 * 1000 + 1000);
    try {
      const expired = await t.http
        .post('/api/auth/refresh')
        .send({ refreshToken: session.refreshToken });
      expect(expired.body.code).toBe('INVALID_REFRESH_TOKEN');
    } finally {
      t.clock.advance(-(30 * 24 * 3600 * 1000 + 1000));
    }
  });

  it('S5: the access token expires after 15 minutes', async () => {
    const session = await signIn(t, user);
    await t.as(session.accessToken).get('/api/me').expect(200);
    t.clock.advance(15 * 60 * 1000 + 1000);
    try {
      const expired = await t.as(session.accessToken).get('/api/me');
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('UNAUTHENTICATED');
    } finally {
      t.clock.advance(-(15 * 60 * 1000 + 1000));
    }
  });

  it('logout revokes the refresh token', async () => {
    const session = await signIn(t, user);
    await t.http.post('/api/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    const refresh = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: session.refreshToken });
    expect(refresh.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('S4: logout-all ends every access and refresh token of the caller at once', async () => {
    const other = await createAccountWithUser(t, 'member');
    const first = await signIn(t, other);
    const second = await signIn(t, other);
    await t.as(first.accessToken).post('/api/auth/logout-all').expect(204);

    for (const token of [first.accessToken, second.accessToken]) {
      const me = await t.as(token).get('/api/me');
      expect(me.status).toBe(401);
    }
    const refresh = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: second.refreshToken });
    expect(refresh.body.code).toBe('INVALID_REFRESH_TOKEN');
    await signIn(t, other);
  });

  it('S3: refuses a token signed with alg none, another secret, or another audience', async () => {
    const session = await signIn(t, user);
    const [, payload] = session.accessToken.split('.');
    const header = (alg: string) =>
      Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
    const unsigned = `${header('none')}.${payload}.`;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const otherSecret = sign(claims, 'x'.repeat(64), { algorithm: 'HS256' });
    const { aud, ...withoutAudience } = claims;
    expect(aud).toBe('gatekeeper:access');
    const wrongAudience = sign({ ...withoutAudience, aud: 'another-service' }, t.config.jwtSecret, {
      algorithm: 'HS256',
    });
    for (const token of [unsigned, otherSecret, wrongAudience, 'not-a-jwt']) {
      const response = await t.as(token).get('/api/me');
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
    }
  });
});
