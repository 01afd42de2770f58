import { createAccountWithUser, signIn } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

describe('HTTP hygiene', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = (await signIn(t, await createAccountWithUser(t, 'admin'))).accessToken;
  });
  afterAll(() => t.close());

  const expectError = (
    response: { status: number; body: { code?: string; statusCode?: number } },
    status: number,
    code: string,
  ) => {
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ statusCode: status, code });
  };

  it('A1: every route is closed unless it says otherwise', async () => {
    expectError(await t.http.get('/api/me'), 401, 'UNAUTHENTICATED');
    expectError(await t.http.get('/api/admin/users'), 401, 'UNAUTHENTICATED');
    expectError(await t.http.post('/api/auth/logout-all'), 401, 'UNAUTHENTICATED');
    expectError(
      await t.http.get('/api/me').set('Authorization', 'Basic abc'),
      401,
      'UNAUTHENTICATED',
    );
    await t.http.get('/api/health').expect(200);
  });

  it('unknown routes answer 404 with the error shape', async () => {
    expectError(await t.http.get('/api/nope'), 404, 'NOT_FOUND');
  });

  it('I2: unknown body fields are refused with 400 VALIDATION_FAILED', async () => {
    const response = await t.http
      .post('/api/auth/login')
      .send({ email: 'a@example.com', password: 'x', admin: true });
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(response.body.message).toContain('admin');
  });

  it('I3: wrong types answer 400, never 500', async () => {
    const bodies: unknown[] = [
      { email: 42, password: 'x' },
      { email: ['a@example.com'], password: 'x' },
      { email: { $ne: null }, password: 'x' },
      { email: 'a@example.com', password: 12345678 },
      { email: 'a@example.com', password: null },
      { email: "' OR 1=1 --", password: "' OR '1'='1" },
      { email: `${'a'.repeat(10_000)}@example.com`, password: 'x' },
      { email: 'a@example.com', password: 'x'.repeat(129) },
      [],
      {},
    ];
    for (const body of bodies) {
      const response = await t.http
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      expectError(response, 400, 'VALIDATION_FAILED');
    }
    const query = await t.as(adminToken).get('/api/admin/users?page=abc&limit=1000');
    expectError(query, 400, 'VALIDATION_FAILED');
    const badId = await t.as(adminToken).get('/api/admin/users/not-a-uuid');
    expectError(badId, 400, 'VALIDATION_FAILED');
  });

  it('I3: malformed JSON answers 400 MALFORMED_JSON', async () => {
    for (const body of ['{"email": ', '"a bare string"', 'null', "{'single': 'quotes'}"]) {
      const response = await t.http
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(body);
      expectError(response, 400, 'MALFORMED_JSON');
    }
  });

  it('I2: a body over 100 kB answers 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await t.http
      .post('/api/auth/login')
      .send({ email: 'a@example.com', password: 'x', padding: 'x'.repeat(101 * 1024) });
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('sets security headers (helmet)', async () => {
    const response = await t.http.get('/api/health');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('no answer may be cached: tokens, recovery codes and personal data are said no-store', async () => {
    const user = await createAccountWithUser(t, 'admin');
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    const me = await t
      .as(login.body.accessToken as string)
      .get('/api/me')
      .expect(200);
    const refused = await t.http.get('/api/me').expect(401);
    for (const response of [login, me, refused]) {
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.etag).toBeUndefined();
    }
  });

  it('serves the OpenAPI document generated from the code', async () => {
    const document = await t.http.get('/api/docs-json').expect(200);
    expect(document.body.paths['/api/auth/login'].post.operationId).toBe('login');
    expect(document.body.paths['/api/admin/users'].get.operationId).toBe('listUsers');
    await t.http.get('/api/docs').expect(200);
  });

  it('health reports the database as up', async () => {
    const response = await t.http.get('/api/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', database: 'up' });
  });
});
