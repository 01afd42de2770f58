import { createAccountWithUser, createUser, signIn, type TestUser } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { enableEmailMethod } from './support/two-factor';

interface AuditEventBody {
  id: string;
  type: string;
  userId: string | null;
  actorId: string | null;
  factor: string | null;
  detail: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

const EVENT_FIELDS = [
  'actorId',
  'createdAt',
  'detail',
  'factor',
  'id',
  'ip',
  'reason',
  'requestId',
  'ticket',
  'type',
  'userAgent',
  'userId',
];
const USER_AGENT = 'GatekeeperAuditTest/1.0 (e2e)';

describe('Audit events API (GET /api/admin/audit-events)', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminToken: string;
  let member: TestUser;
  let foreignAdmin: TestUser;
  let foreignMember: TestUser;
  /** Every secret the flows below sent or received; none may come back. */
  const secrets: string[] = [];

  /** Seconds apart: MariaDB's DATETIME keeps whole seconds, and order must not hang on ties. */
  const tick = () => t.clock.advance(2_000);

  const list = (query = '', token = adminToken) =>
    t.as(token).get(`/api/admin/audit-events${query}`);

  const failLogin = (user: TestUser) =>
    t.http
      .post('/api/auth/login')
      .set('User-Agent', USER_AGENT)
      .send({ email: user.email, password: `${user.password}-wrong` })
      .expect(401);

  /** login.failed, login.succeeded, two_factor.method_enabled — in that order, seconds apart. */
  async function produceEvents(user: TestUser, mailbox: string): Promise<string> {
    await failLogin(user);
    tick();
    const { accessToken } = await signIn(t, user);
    tick();
    await enableEmailMethod(t, user, accessToken, mailbox);
    secrets.push(user.password, `${user.password}-wrong`, accessToken);
    secrets.push(t.mail.latestCodeFor(mailbox));
    tick();
    return accessToken;
  }

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createAccountWithUser(t, 'admin');
    member = await createUser(t, admin.accountId, 'member');
    foreignAdmin = await createAccountWithUser(t, 'admin');
    foreignMember = await createUser(t, foreignAdmin.accountId, 'member');

    await produceEvents(member, 'member@audit.example');
    // Another account's users are busy too, interleaved in time with ours.
    await produceEvents(foreignMember, 'foreign-member@audit.example');
    await failLogin(foreignAdmin);
    tick();
    adminToken = (await signIn(t, admin)).accessToken;
    secrets.push(admin.password, adminToken);
    tick();
  });
  afterAll(() => t?.close());

  it('lists the account events newest first, in the documented shape', async () => {
    const response = await list('?limit=100').expect(200);
    expect(response.body).toMatchObject({ page: 1, limit: 100 });
    const items = response.body.items as AuditEventBody[];
    expect(items).toHaveLength(response.body.total);
    expect(items.map((item) => [item.type, item.userId])).toEqual([
      ['login.succeeded', admin.id],
      ['two_factor.method_enabled', member.id],
      ['login.succeeded', member.id],
      ['login.failed', member.id],
    ]);
    for (const item of items) expect(Object.keys(item).sort()).toEqual(EVENT_FIELDS);
    const times = items.map((item) => Date.parse(item.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('paginates with the total, the pages adding up to the whole list', async () => {
    const all = (await list(`?userId=${member.id}&limit=100`).expect(200)).body;
    expect(all.total).toBe(3);

    const first = await list(`?userId=${member.id}&page=1&limit=2`).expect(200);
    expect(first.body).toMatchObject({ total: 3, page: 1, limit: 2 });
    expect(first.body.items).toHaveLength(2);
    const second = await list(`?userId=${member.id}&page=2&limit=2`).expect(200);
    expect(second.body).toMatchObject({ total: 3, page: 2, limit: 2 });
    expect(second.body.items).toHaveLength(1);
    expect([...first.body.items, ...second.body.items]).toEqual(all.items);

    const beyond = await list(`?userId=${member.id}&page=3&limit=2`).expect(200);
    expect(beyond.body).toEqual({ items: [], total: 3, page: 3, limit: 2 });

    const defaults = await list().expect(200);
    expect(defaults.body).toMatchObject({ page: 1, limit: 20 });
  });

  it('filters by type', async () => {
    const failed = await list('?type=login.failed').expect(200);
    expect(failed.body.total).toBe(1);
    expect(failed.body.items).toEqual([
      expect.objectContaining({ type: 'login.failed', userId: member.id, factor: null }),
    ]);

    const enabled = await list('?type=two_factor.method_enabled').expect(200);
    expect(enabled.body.items).toEqual([
      expect.objectContaining({
        type: 'two_factor.method_enabled',
        userId: member.id,
        actorId: member.id,
        factor: 'email',
      }),
    ]);

    const none = await list('?type=two_factor.reset').expect(200);
    expect(none.body).toEqual({ items: [], total: 0, page: 1, limit: 20 });
  });

  it('filters by user', async () => {
    const mine = await list(`?userId=${admin.id}`).expect(200);
    expect(mine.body.total).toBe(1);
    expect(mine.body.items).toEqual([
      expect.objectContaining({ type: 'login.succeeded', userId: admin.id, factor: 'password' }),
    ]);

    const both = await list(`?userId=${member.id}&type=login.succeeded`).expect(200);
    expect(both.body.items).toEqual([
      expect.objectContaining({ type: 'login.succeeded', userId: member.id }),
    ]);
  });

  it("A2: another account's events never appear, even when asked for by user", async () => {
    const all = await list('?limit=100').expect(200);
    const foreignIds = [foreignAdmin.id, foreignMember.id];
    for (const item of all.body.items as AuditEventBody[]) {
      expect(foreignIds).not.toContain(item.userId);
      expect(foreignIds).not.toContain(item.actorId);
    }

    const asked = await list(`?userId=${foreignMember.id}&limit=100`).expect(200);
    expect(asked.body).toEqual({ items: [], total: 0, page: 1, limit: 100 });

    // The other account does have them, and sees only its own.
    const foreignToken = (await signIn(t, foreignAdmin)).accessToken;
    const theirs = await list('?limit=100', foreignToken).expect(200);
    const theirUsers = new Set((theirs.body.items as AuditEventBody[]).map((e) => e.userId));
    expect(theirUsers).toEqual(new Set(foreignIds));
    expect(theirs.body.total).toBe(5);
  });

  it('A2: the account comes from the token; unknown or invalid query fields answer 400', async () => {
    for (const query of [
      `?accountId=${foreignAdmin.accountId}`,
      '?type=login.whatever',
      '?userId=not-a-uuid',
      '?limit=0',
      '?limit=101',
      '?page=0',
      '?page=abc',
    ]) {
      const response = await list(query);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('A2: a member gets 403 FORBIDDEN; without a token 401', async () => {
    const otherMember = await createUser(t, admin.accountId, 'member');
    const memberToken = (await signIn(t, otherMember)).accessToken;
    const forbidden = await list('', memberToken);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    const anonymous = await t.http.get('/api/admin/audit-events');
    expect(anonymous.status).toBe(401);
  });

  it('is documented in the OpenAPI document, with its query and a description', async () => {
    const document = await t.http.get('/api/docs-json').expect(200);
    const operation = document.body.paths['/api/admin/audit-events'].get;
    expect(operation.operationId).toBe('listAuditEvents');
    expect(operation.description).toContain('newest first');
    const parameters = operation.parameters as { name: string; in: string }[];
    expect(parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      expect.arrayContaining(['page', 'limit', 'userId', 'type']),
    );
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', 'default']));
  });

  it('L2: the trail carries no secret: no password, code or token', async () => {
    const response = await list('?limit=100').expect(200);
    const text = JSON.stringify(response.body);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(text).not.toContain(secret);
    // No field that could hold one, either ("password" may appear only as a factor's kind).
    expect(text).not.toMatch(/"[a-z]*(password|secret|code|token|hash)[a-z]*":/i);
  });

  it('L1: events carry UTC time, user, actor, IP and user agent', async () => {
    const user = await createUser(t, admin.accountId, 'member');
    const at = t.clock.now().getTime();
    await t.http
      .post('/api/auth/login')
      .set('User-Agent', USER_AGENT)
      .send({ email: user.email, password: user.password })
      .expect(200);

    const response = await list(`?userId=${user.id}`).expect(200);
    expect(response.body.total).toBe(1);
    const event = response.body.items[0] as AuditEventBody;
    expect(event).toMatchObject({
      type: 'login.succeeded',
      userId: user.id,
      actorId: user.id,
      factor: 'password',
      userAgent: USER_AGENT,
    });
    expect(event.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    // The application clock's instant, to the second (MariaDB's DATETIME keeps whole seconds).
    expect(Math.abs(Date.parse(event.createdAt) - at)).toBeLessThan(1_000);
    expect(event.ip).toEqual(expect.stringMatching(/127\.0\.0\.1|::1/));
  });
});
