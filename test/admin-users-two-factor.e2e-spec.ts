import { DataSource } from 'typeorm';
import { User } from 'src/users/user.entity';
import { createAccountWithUser, createUser, signIn, type TestUser } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { enableEmailMethod, enableTotpMethod } from './support/two-factor';

describe("Users' 2FA column", () => {
  let t: TestApp;
  let admin: TestUser;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createAccountWithUser(t, 'admin');
    adminToken = (await signIn(t, admin)).accessToken;
  });
  afterAll(() => t.close());

  const list = (query: string) => t.as(adminToken).get(`/api/admin/users?${query}`).expect(200);

  it('shows which methods each user has activated, and filters by enabled/disabled', async () => {
    const both = await createUser(t, admin.accountId);
    const appOnly = await createUser(t, admin.accountId);
    const pendingOnly = await createUser(t, admin.accountId);
    const bothToken = (await signIn(t, both)).accessToken;
    await enableTotpMethod(t, both, bothToken);
    await enableEmailMethod(t, both, bothToken, 'both@example.org');
    await enableTotpMethod(t, appOnly, (await signIn(t, appOnly)).accessToken);
    // A started but unconfirmed setup is not a method.
    await t
      .as((await signIn(t, pendingOnly)).accessToken)
      .post('/api/me/two-factor/totp')
      .send({ password: pendingOnly.password })
      .expect(201);

    const page = await list('limit=100');
    const byId = new Map(
      page.body.items.map((item: { id: string; twoFactor: unknown }) => [item.id, item.twoFactor]),
    );
    expect(byId.get(both.id)).toEqual({ enabled: true, methods: ['totp', 'email'] });
    expect(byId.get(appOnly.id)).toEqual({ enabled: true, methods: ['totp'] });
    expect(byId.get(pendingOnly.id)).toEqual({ enabled: false, methods: [] });
    expect(byId.get(admin.id)).toEqual({ enabled: false, methods: [] });

    const enabled = await list('twoFactor=enabled&limit=100');
    expect(enabled.body.items.map((item: { id: string }) => item.id).sort()).toEqual(
      [both.id, appOnly.id].sort(),
    );
    expect(enabled.body.total).toBe(2);
    const disabled = await list('twoFactor=disabled&limit=100');
    expect(disabled.body.total).toBe(page.body.total - 2);
    expect(disabled.body.items.map((item: { id: string }) => item.id)).toContain(pendingOnly.id);

    const one = await t.as(adminToken).get(`/api/admin/users/${both.id}`).expect(200);
    expect(one.body.twoFactor).toEqual({ enabled: true, methods: ['totp', 'email'] });
  });

  it('rejects an unknown filter value with 400', async () => {
    const response = await t.as(adminToken).get('/api/admin/users?twoFactor=maybe');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers the column for 10,000 users in a bounded number of queries, whatever the page size', async () => {
    const seeded = await seedUsers(t, admin.accountId, 10_000);
    const dataSource = t.app.get(DataSource);
    const runner = dataSource.createQueryRunner();
    const query = jest.spyOn(
      Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => unknown },
      'query',
    );
    await runner.release();

    const counts: number[] = [];
    for (const limit of [10, 100]) {
      query.mockClear();
      const page = await list(`limit=${limit}&page=3`);
      expect(page.body.items).toHaveLength(limit);
      counts.push(query.mock.calls.length);
    }
    query.mockClear();
    const filtered = await list('limit=100&twoFactor=enabled');
    counts.push(query.mock.calls.length);
    query.mockRestore();

    expect(filtered.body.total).toBe(seeded.withFactor + 2);
    // The guard's session lookup, the page (its ids, then those users whole) and the total:
    // three, for 10 or 100 rows; the 2FA column is read from the user rows, joining nothing.
    expect(counts).toEqual([3, 3, 3]);
  }, 120_000);
});

/** Inserts users in bulk (one shared password hash), every third with an app and every fifth with email. */
async function seedUsers(t: TestApp, accountId: string, count: number) {
  const users = t.app.get(DataSource).getRepository(User);
  const { passwordHash } = await users.findOneByOrFail({ accountId });
  let withFactor = 0;
  for (let offset = 0; offset < count; offset += 500) {
    const batch = Array.from({ length: Math.min(500, count - offset) }, (_, i) => {
      const n = offset + i;
      const twoFactorMethods = [
        ...(n % 3 === 0 ? ['totp'] : []),
        ...(n % 5 === 0 ? ['email'] : []),
      ];
      if (twoFactorMethods.length > 0) withFactor++;
      return users.create({
        accountId,
        email: `seed-${n}@bulk.example`,
        name: `Seed ${n}`,
        passwordHash,
        role: 'member',
        twoFactorMethods,
      });
    });
    await users.insert(batch);
  }
  return { withFactor };
}
