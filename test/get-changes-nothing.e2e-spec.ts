import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { totpCode } from './support/independent-totp';
import { signedInAtPages } from './support/pages';
import { supportPerson } from './support/support-staff';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, startChallenge, userWithMethods } from './support/two-factor';

interface RouteLayer {
  route?: { path: string };
}

/** What a path's parameters are tried with: real values of the test's user, and unknown ones. */
const PARAMETER_VALUES: Record<string, (known: Known) => string[]> = {
  method: () => ['totp', 'email', 'passkey', 'recovery', 'unknown'],
  id: (known) => [known.userId, known.deviceId, randomUUID(), 'not-an-id'],
  name: () => ['pages.css', 'pages.js', 'unknown.js'],
};

interface Known {
  userId: string;
  deviceId: string;
}

/**
 * A6: no state change on GET, whatever the route, the caller or the method it was written for.
 * Every path the app routes (for any HTTP method) is asked with GET and HEAD, anonymously, with an
 * administrator's API session, a platform support person's, and a signed-in browser of the pages;
 * every table must read the same after each path. The only write a GET may make is the page
 * session a form needs for its CSRF token (U2), so sessions are compared without that token and
 * their expiry. The admin panel's GETs are tested the same way in admin-panel-http.panel-spec.ts.
 */
describe('GET changes nothing (A6)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('A6: GET and HEAD on every routed path, by every kind of caller, leave every table as it was', async () => {
    const admin = await userWithMethods(t, ['totp', 'email'], { role: 'admin' });
    nextTotpStep(t);
    const { challengeToken } = await startChallenge(t, admin.user);
    const session = await t.http
      .post('/api/auth/two-factor/verify')
      .send({
        challengeToken,
        code: totpCode(admin.secret, t.clock.now().getTime()),
        rememberDevice: true,
        deviceName: 'Laptop',
      })
      .expect(200);
    const devices = await t
      .as(session.body.accessToken as string)
      .get('/api/me/trusted-devices')
      .expect(200);
    const known: Known = { userId: admin.user.id, deviceId: devices.body[0].id as string };
    const browser = await signedInAtPages(t, admin.user, admin.secret);
    const staff = await supportPerson(t);
    const callers: { name: string; agent: () => TestAgent; token?: string }[] = [
      { name: 'anonymous', agent: () => request(t.app.getHttpServer()) },
      { name: 'administrator', agent: () => t.http, token: session.body.accessToken as string },
      { name: 'support person', agent: () => t.http, token: staff.token },
      { name: 'signed-in browser', agent: () => browser },
    ];

    const paths = routedPaths(t).flatMap((path) => withParameters(path, known));
    expect(paths).toEqual(expect.arrayContaining(['/api/me', '/account/security', '/sign-out']));
    const before = await snapshot(t);
    const serverErrors: string[] = [];
    for (const path of paths) {
      for (const caller of callers) {
        for (const method of ['get', 'head'] as const) {
          const call = caller.agent()[method](path);
          if (caller.token) void call.set('Authorization', `Bearer ${caller.token}`);
          const { status } = await call;
          if (status >= 500) serverErrors.push(`${method} ${path} as ${caller.name}: ${status}`);
        }
      }
      expect({ after: `GET ${path}`, tables: await snapshot(t) }).toEqual({
        after: `GET ${path}`,
        tables: before,
      });
    }
    expect(serverErrors).toEqual([]);
    // Hundreds of requests, each followed by a read of every table: ~13 s on MariaDB in CI.
  }, 90_000);
});

/** Every path a route is declared on, whatever its HTTP method, each once. */
function routedPaths(t: TestApp): string[] {
  const app = t.app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  const paths = app.router.stack.flatMap((layer) => (layer.route ? [layer.route.path] : []));
  return [...new Set(paths.map((path) => path.replace(/\/$/, '') || '/'))];
}

function withParameters(path: string, known: Known): string[] {
  const parameter = /:(\w+)/.exec(path);
  if (!parameter) return [path];
  const values = PARAMETER_VALUES[parameter[1]]?.(known) ?? ['x'];
  return values.flatMap((value) =>
    withParameters(path.replace(parameter[0], encodeURIComponent(value)), known),
  );
}

/** Every table's rows, in a stable order; page sessions without their CSRF token and expiry. */
async function snapshot(t: TestApp): Promise<Record<string, string[]>> {
  const dataSource = t.app.get(DataSource);
  const tables: Record<string, string[]> = {};
  for (const { tableName } of dataSource.entityMetadatas) {
    const rows = await dataSource.query<Record<string, unknown>[]>(`SELECT * FROM ${tableName}`);
    const kept = tableName === 'panel_sessions' ? rows.flatMap(withoutFormToken) : rows;
    tables[tableName] = kept.map((row) => JSON.stringify(row)).sort();
  }
  return tables;
}

function withoutFormToken(row: Record<string, unknown>): Record<string, unknown>[] {
  const {
    cookie: _cookie,
    csrfToken: _csrfToken,
    ...data
  } = JSON.parse(String(row.data)) as {
    cookie?: unknown;
    csrfToken?: unknown;
  };
  // A session holding nothing but a form's token (and an empty page state) is what any visitor's
  // first page opens.
  if (Object.values(data).every((value) => JSON.stringify(value) === '{}')) return [];
  return [{ id: row.id, data }];
}
