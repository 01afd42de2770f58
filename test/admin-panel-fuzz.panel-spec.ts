import fc from 'fast-check';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { hostileString, hostileValue, percentEncode, snapshot } from './support/fuzz';
import {
  panelClient,
  panelOrigin,
  signInToPanel,
  startPanelApp,
  userWithApp,
  type UserWithApp,
} from './support/panel';
import type { TestApp } from './support/test-app';

/**
 * I5: property-based requests over every route under /admin (AdminJS's and the panel's own),
 * signed in as an administrator and not signed in, with hostile path segments (any letter case,
 * percent-encoded), paging, filters, form, multipart and JSON bodies, cookies and Origin/Sec-Fetch
 * headers. No answer is a 5xx; every API error has a `code`; nothing logs an error; without a
 * session nothing changes.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_500);

type Method = 'get' | 'head' | 'post';

interface Route {
  method: Method;
  /** `{name}` stands for a generated path segment. */
  path: string;
  /** Routes that would end the signed-in session the run relies on. */
  endsSession?: boolean;
}

const ROUTES: Route[] = [
  { method: 'get', path: '/admin' },
  { method: 'get', path: '/admin/login' },
  { method: 'get', path: '/admin/logout' },
  { method: 'post', path: '/admin/login', endsSession: true },
  { method: 'post', path: '/admin/login/code', endsSession: true },
  { method: 'post', path: '/admin/login/method' },
  { method: 'post', path: '/admin/login/resend' },
  { method: 'post', path: '/admin/login/restart', endsSession: true },
  { method: 'post', path: '/admin/logout', endsSession: true },
  { method: 'get', path: '/admin/resources/{resource}' },
  { method: 'get', path: '/admin/resources/{resource}/actions/{action}' },
  { method: 'get', path: '/admin/resources/{resource}/records/{id}/{action}' },
  { method: 'get', path: '/admin/resources/{resource}/bulk/{action}' },
  { method: 'get', path: '/admin/pages/{page}' },
  { method: 'get', path: '/admin/api/dashboard' },
  { method: 'get', path: '/admin/api/pages/{page}' },
  { method: 'post', path: '/admin/api/pages/{page}' },
  { method: 'get', path: '/admin/api/resources/{resource}/search/{query}' },
  { method: 'get', path: '/admin/api/resources/{resource}/search' },
  { method: 'get', path: '/admin/api/resources/{resource}/actions/{action}' },
  { method: 'post', path: '/admin/api/resources/{resource}/actions/{action}' },
  { method: 'get', path: '/admin/api/resources/{resource}/actions/{action}/{query}' },
  { method: 'get', path: '/admin/api/resources/{resource}/records/{id}/{action}' },
  { method: 'head', path: '/admin/api/resources/{resource}/records/{id}/{action}' },
  { method: 'post', path: '/admin/api/resources/{resource}/records/{id}/{action}' },
  { method: 'get', path: '/admin/api/resources/{resource}/bulk/{action}' },
  { method: 'post', path: '/admin/api/resources/{resource}/bulk/{action}' },
];

// The policy is a page now; its old resource name stays as one that must answer 404.
const RESOURCES = ['users', 'audit-events', 'two-factor-policy'];
const PAGES = ['two-factor-policy', 'dashboard'];
const ACTIONS = [
  'list',
  'search',
  'show',
  'new',
  'edit',
  'delete',
  'bulkDelete',
  'resetTwoFactor',
  'disable',
  'enable',
];
const QUERY_NAMES = [
  'page',
  'perPage',
  'sortBy',
  'direction',
  'recordIds',
  'searchProperty',
  'filters.email',
  'filters.name',
  'filters.twoFactorStatus',
  'filters.type',
  'filters.userId',
  'filters.userEmail',
  'filters.accountId',
];
const PROTOTYPE_NAMES = [
  'filters.constructor',
  'filters.__proto__.email',
  'constructor',
  'toString',
];
const FIELD_NAMES = [
  'email',
  'name',
  'password',
  'role',
  'code',
  'method',
  'rememberDevice',
  'twoFactorRequired',
];

describe('Fuzzing every route under /admin (I5)', () => {
  let t: TestApp;
  let admin: UserWithApp;
  let member: UserWithApp;
  let secrets: string[];

  beforeAll(async () => {
    t = await startPanelApp();
    admin = await userWithApp(t, 'admin');
    member = await userWithApp(t, 'member', admin.accountId);
    secrets = [
      admin.password,
      member.password,
      admin.secret,
      member.secret,
      t.config.jwtSecret.toString('base64url'),
      t.config.encryptionKey.toString('base64url'),
    ];
  }, 60_000);
  afterAll(() => t.close());

  /** A path segment: a real name in any letter case or percent-encoded, or anything at all. */
  const segment = (known: string[]) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...known) },
      { weight: 1, arbitrary: fc.constantFrom(...known).map(anyCase) },
      { weight: 1, arbitrary: fc.constantFrom(...known).map(percentEncode) },
      { weight: 2, arbitrary: hostileString.map(percentEncode) },
      { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%', '%zz', '..', '%2F', '') },
    );

  const queryValue = fc.oneof(
    hostileString,
    fc.constantFrom('-1', '0', '0.5', 'abc', '99999999', '1e308', 'a'.repeat(300), 'constructor'),
    fc.uuid(),
    fc.integer().map(String),
  );

  /** A body as a browser, a script or a hostile client sends it. */
  const payload = fc.oneof(
    fc.constant(null),
    fc
      .dictionary(
        fc.constantFrom(...FIELD_NAMES, ...FIELD_NAMES, '__proto__', 'constructor'),
        hostileString,
        {
          maxKeys: 5,
        },
      )
      .chain((fields) =>
        fc.constantFrom<Payload>(
          { kind: 'form', fields },
          { kind: 'multipart', fields },
          { kind: 'json', text: JSON.stringify(fields) },
        ),
      ),
    hostileValue.map<Payload>((value) => ({ kind: 'json', text: JSON.stringify(value) ?? '' })),
    fc.constantFrom<Payload>(
      { kind: 'json', text: '{"a":' },
      { kind: 'json', text: '['.repeat(3_000) },
      { kind: 'json', text: `{"a":${'['.repeat(3_000)}${']'.repeat(3_000)}}` },
      { kind: 'json', text: '{"__proto__":{"email":"x@example.com"}}' },
      { kind: 'raw', type: 'text/plain', text: 'hello' },
      { kind: 'raw', type: 'application/octet-stream', text: 'binary' },
      { kind: 'raw', type: 'multipart/form-data', text: '--x\r\n' },
      { kind: 'form', fields: { email: 'a@example.com', password: 'x'.repeat(20_000) } },
      { kind: 'file', fields: {} },
    ),
  );

  const headers = fc.record(
    {
      origin: fc.oneof(
        { weight: 8, arbitrary: fc.constant('own') },
        { weight: 1, arbitrary: fc.constantFrom(null, 'null', 'https://evil.example') },
      ),
      site: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(undefined, 'same-origin') },
        { weight: 1, arbitrary: fc.constantFrom('same-site', 'cross-site', 'none') },
      ),
      deviceCookie: fc.option(
        fc.oneof(hostileString.map(percentEncode), fc.constantFrom('%E0%A4%A', '%', 'a=b')),
        { freq: 4 },
      ),
      upperCaseMount: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    },
    { requiredKeys: ['origin', 'upperCaseMount'] },
  );

  const anyRequest = (routes: Route[]) =>
    fc.tuple(
      fc.constantFrom(...routes),
      segment(RESOURCES),
      segment(ACTIONS),
      fc.oneof(fc.constantFrom(member.id, 'account'), fc.uuid(), hostileString.map(percentEncode)),
      fc.oneof(fc.constantFrom(...PAGES), segment(PAGES)),
      fc.dictionary(
        fc.oneof(
          { weight: 12, arbitrary: fc.constantFrom(...QUERY_NAMES) },
          { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
        ),
        queryValue,
        { maxKeys: 4 },
      ),
      payload,
      headers,
    );

  function send(agent: TestAgent, request: Sample) {
    const [route, resource, action, id, page, query, body, header] = request;
    let path = route.path
      .replace('{resource}', resource)
      .replace('{action}', action)
      .replace('{id}', id)
      .replace('{page}', page)
      .replace('{query}', page);
    if (header.upperCaseMount) path = path.replace('/admin', '/ADMIN');
    const search = Object.entries(query)
      .map(([name, value]) => `${name}=${percentEncode(value)}`)
      .join('&');
    let call = agent[route.method](search ? `${path}?${search}` : path);
    if (header.origin === 'own') call = call.set('Origin', panelOrigin(t));
    else if (header.origin === null) call = call.unset('Origin');
    else call = call.set('Origin', header.origin);
    if (header.site !== undefined) call = call.set('Sec-Fetch-Site', header.site);
    if (header.deviceCookie !== null && header.deviceCookie !== undefined) {
      call = call.set('Cookie', `gk_panel_device=${header.deviceCookie}`);
    }
    if (route.method !== 'post' || body === null) return call;
    switch (body.kind) {
      case 'form':
        return call.type('form').send(body.fields);
      case 'multipart':
        return Object.entries(body.fields).reduce((form, [name, value]) => {
          return form.field(name, value);
        }, call);
      case 'file':
        return call.attach('avatar', Buffer.from('not an image'), 'avatar.png');
      case 'json':
        return call.set('Content-Type', 'application/json').send(body.text);
      case 'raw':
        return call.set('Content-Type', body.type).send(body.text);
    }
  }

  function check(response: Response, method: Method): void {
    expect(response.status).toBeLessThan(500);
    // A HEAD answer has the headers of its GET and no body.
    if (response.status >= 400 && response.type === 'application/json' && method !== 'head') {
      expect(response.body.code).toMatch(/^[A-Z_]+$/);
    }
    for (const secret of secrets) expect(response.text ?? '').not.toContain(secret);
  }

  const errorsLogged = () => t.logs.lines.filter((line) => line.startsWith('error'));

  it('I5: not signed in: no 5xx, every API error with a code, no error logged, nothing changed', async () => {
    const before = await snapshot(t);
    await fc.assert(
      fc.asyncProperty(anyRequest(ROUTES), async (request) => {
        check(await send(panelClient(t), request), request[0].method);
      }),
      { numRuns: RUNS },
    );
    expect(errorsLogged()).toEqual([]);
    expect(await snapshot(t)).toEqual(before);
  }, 600_000);

  it('I5: signed in as an administrator: no 5xx, every API error with a code, no error logged', async () => {
    const panel = panelClient(t);
    expect(await signInToPanel(t, panel, admin)).toBe('/admin');
    const staying = ROUTES.filter((route) => !route.endsSession);
    await fc.assert(
      fc.asyncProperty(anyRequest(staying), async (request) => {
        check(await send(panel, request), request[0].method);
      }),
      { numRuns: RUNS },
    );
    // The session held through the run: the requests above were signed in.
    const list = await panel
      .get('/admin/api/resources/users/actions/list')
      .set('Sec-Fetch-Site', 'same-origin');
    expect(list.status).toBe(200);
    expect(errorsLogged()).toEqual([]);
  }, 600_000);
});

type Payload =
  | { kind: 'form' | 'multipart' | 'file'; fields: Record<string, string> }
  | { kind: 'json'; text: string }
  | { kind: 'raw'; type: string; text: string };

type Sample = [
  Route,
  string,
  string,
  string,
  string,
  Record<string, string>,
  Payload | null,
  {
    origin: string | null;
    site?: string;
    deviceCookie?: string | null;
    upperCaseMount: boolean;
  },
];

/** Every other letter upper case: Express routes it as it routes the lower-case path. */
function anyCase(text: string): string {
  return [...text].map((char, i) => (i % 2 ? char.toUpperCase() : char)).join('');
}
