import { createAccountWithUser, createUser, signIn, type TestUser } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

describe('Administration API', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createAccountWithUser(t, 'admin');
    adminToken = (await signIn(t, admin)).accessToken;
  });
  afterAll(() => t.close());

  const asAdmin = (token = adminToken) => ({
    get: (path: string) => t.as(token).get(path),
    post: (path: string) => t.as(token).post(path),
  });

  it('creates a member who can then sign in', async () => {
    const created = await asAdmin()
      .post('/api/admin/users')
      .send({
        email: 'New.Member@Example.com',
        name: 'New Member',
        password: 'password-123',
        role: 'member',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      email: 'new.member@example.com',
      role: 'member',
      twoFactor: { enabled: false, methods: [] },
    });
    expect(created.body).not.toHaveProperty('passwordHash');
    await signIn(t, { email: 'new.member@example.com', password: 'password-123' });
  });

  it('P5: refuses a second user whose email differs only by case (409 EMAIL_TAKEN)', async () => {
    const duplicate = await asAdmin().post('/api/admin/users').send({
      email: admin.email.toUpperCase(),
      name: 'Dup',
      password: 'password-123',
      role: 'member',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('EMAIL_TAKEN');
  });

  it('lists its own account only, paginated, with the total and the 2FA column', async () => {
    for (let i = 0; i < 3; i++) await createUser(t, admin.accountId, 'member');
    const foreign = await createAccountWithUser(t, 'member');

    const page = await asAdmin().get('/api/admin/users?page=1&limit=2').expect(200);
    expect(page.body.limit).toBe(2);
    expect(page.body.page).toBe(1);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThanOrEqual(5);
    for (const item of page.body.items) {
      expect(item.twoFactor).toEqual({ enabled: false, methods: [] });
    }
    const all = await asAdmin().get('/api/admin/users?limit=100').expect(200);
    expect(all.body.items.map((item: { email: string }) => item.email)).not.toContain(
      foreign.email,
    );
    expect(all.body.items).toHaveLength(all.body.total);
  });

  it('searches by the start of the email or the name, treating % and _ literally', async () => {
    await asAdmin()
      .post('/api/admin/users')
      .send({
        email: 'grace@navy.example',
        name: 'Grace Hopper',
        password: 'password-123',
        role: 'member',
      })
      .expect(201);
    const byName = await asAdmin().get('/api/admin/users?search=GRACE%20HOP').expect(200);
    expect(byName.body.items.map((item: { email: string }) => item.email)).toEqual([
      'grace@navy.example',
    ]);
    const byEmail = await asAdmin().get('/api/admin/users?search=Grace@navy.exa').expect(200);
    expect(byEmail.body.total).toBe(1);
    // A prefix, so that an index answers: the middle of a word matches nothing.
    const inner = await asAdmin().get('/api/admin/users?search=hopper').expect(200);
    expect(inner.body.total).toBe(0);
    const wildcard = await asAdmin().get('/api/admin/users?search=%25').expect(200);
    expect(wildcard.body.total).toBe(0);
  });

  it('A2: a member gets 403 FORBIDDEN on every admin route', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const memberToken = (await signIn(t, member)).accessToken;
    const list = await asAdmin(memberToken).get('/api/admin/users');
    const create = await asAdmin(memberToken)
      .post('/api/admin/users')
      .send({ email: 'x@example.com', name: 'X', password: 'password-123', role: 'admin' });
    const one = await asAdmin(memberToken).get(`/api/admin/users/${admin.id}`);
    for (const response of [list, create, one]) {
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN');
    }
  });

  it("A2: another account's user answers 404, like a missing one", async () => {
    const foreign = await createAccountWithUser(t, 'member');
    const crossAccount = await asAdmin().get(`/api/admin/users/${foreign.id}`);
    expect(crossAccount.status).toBe(404);
    expect(crossAccount.body.code).toBe('NOT_FOUND');
    const missing = await asAdmin().get('/api/admin/users/00000000-0000-4000-8000-000000000000');
    expect(missing.body).toEqual(crossAccount.body);
    const own = await asAdmin().get(`/api/admin/users/${admin.id}`).expect(200);
    expect(own.body.email).toBe(admin.email);
  });

  it('A2: the account comes from the token, never from the body', async () => {
    const foreign = await createAccountWithUser(t, 'admin');
    const response = await asAdmin().post('/api/admin/users').send({
      email: 'sneaky@example.com',
      name: 'S',
      password: 'password-123',
      role: 'member',
      accountId: foreign.accountId,
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });
});
