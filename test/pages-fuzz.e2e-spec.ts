import fc from 'fast-check';
import request, { type Response } from 'supertest';
import { DataSource } from 'typeorm';
import { createUser, type TestUser } from './support/factories';
import { hostileString, percentEncode, snapshot } from './support/fuzz';
import { totpCode } from './support/independent-totp';
import { csrfOf } from './support/pages';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, signInWithApp, userWithMethods } from './support/two-factor';

/**
 * I5, U2: property-based requests over every route of the pages for people who sign in, in each
 * state a browser can be in (no session, after the password, signed in, in a forced setup), with
 * valid and wrong CSRF tokens, hostile form, JSON and multipart bodies, odd path segments (any
 * letter case, percent-encoded slashes, ids that are not UUIDs), query strings, cookies and
 * Accept-Language headers. No answer is a 5xx and nothing logs an error; every refusal is a 4xx
 * page (or a redirect to one of ours) and changes nothing: no method turned on, no session opened.
 */
// PAGES_FUZZ_RUNS sizes this run alone (CI samples fewer on MariaDB than the API's FUZZ_RUNS).
const RUNS = Number(process.env.PAGES_FUZZ_RUNS ?? process.env.FUZZ_RUNS ?? 600);

type State = 'anonymous' | 'challenge' | 'signedIn' | 'setup';
type Method = 'get' | 'head' | 'post';

interface Route {
  method: Method;
  /** `{method}`, `{id}` and `{asset}` stand for generated path segments. */
  path: string;
  /** The fields its form posts. */
  fields?: string[];
}

const ROUTES: Route[] = [
  { method: 'get', path: '/' },
  { method: 'head', path: '/' },
  { method: 'post', path: '/sign-in', fields: ['email', 'password'] },
  { method: 'post', path: '/sign-in/passwordless', fields: ['response'] },
  { method: 'post', path: '/sign-in/code', fields: ['code', 'response', 'remember'] },
  { method: 'get', path: '/sign-in/methods' },
  { method: 'post', path: '/sign-in/method', fields: ['method'] },
  { method: 'post', path: '/sign-in/resend' },
  { method: 'post', path: '/sign-out' },
  { method: 'get', path: '/help' },
  { method: 'post', path: '/language', fields: ['language', 'back'] },
  { method: 'get', path: '/assets/{asset}' },
  { method: 'get', path: '/account/security' },
  { method: 'get', path: '/account/security/methods/{method}/setup' },
  { method: 'post', path: '/account/security/methods/{method}', fields: ['password', 'email'] },
  { method: 'get', path: '/account/security/methods/{method}/confirm' },
  {
    method: 'post',
    path: '/account/security/methods/{method}/confirm',
    fields: ['code', 'response', 'name'],
  },
  { method: 'post', path: '/account/security/methods/{method}/resend' },
  { method: 'get', path: '/account/security/methods/{method}/remove' },
  { method: 'post', path: '/account/security/methods/{method}/remove', fields: ['password'] },
  { method: 'get', path: '/account/security/passkeys/{id}/rename' },
  { method: 'post', path: '/account/security/passkeys/{id}/rename', fields: ['name'] },
  { method: 'get', path: '/account/security/passkeys/{id}/remove' },
  { method: 'post', path: '/account/security/passkeys/{id}/remove', fields: ['password'] },
  { method: 'get', path: '/account/security/recovery-codes' },
  { method: 'post', path: '/account/security/recovery-codes', fields: ['password'] },
  { method: 'get', path: '/account/security/recovery-codes.txt' },
  { method: 'post', path: '/account/security/recovery-codes/saved' },
  { method: 'get', path: '/account/security/devices/{id}/remove' },
  { method: 'post', path: '/account/security/devices/{id}/remove' },
  { method: 'get', path: '/account/security/password' },
  {
    method: 'post',
    path: '/account/security/password',
    fields: ['currentPassword', 'newPassword'],
  },
  { method: 'post', path: '/account/security/sign-out-everywhere' },
];

const METHODS = ['totp', 'email', 'passkey', 'recovery'];
const FIELD_NAMES = [
  'email',
  'password',
  'code',
  'remember',
  'method',
  'language',
  'back',
  'currentPassword',
  'newPassword',
  'name',
  'response',
];
const ODD_FIELD_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  '__proto__[isAdmin]',
  'constructor[prototype][x]',
  'a[b][c]',
  'code[]',
  'email[0]',
  '_csrf',
];

/** What a browser holds in one state: its session cookie and the token of its pages. */
interface Browser {
  state: State;
  cookie: string;
  csrf: string;
  /** Whose browser it is (the anonymous one knows a user with an app), and the app's key. */
  user?: TestUser;
  secret?: string;
  /** A trusted device of the signed-in user, for the device routes. */
  deviceId?: string;
}

describe('Fuzzing every route of the pages (I5, U2)', () => {
  let t: TestApp;
  let accountRequiring2fa: string;
  let assets: string[];
  /** A user with an app, whose password the anonymous browser may type. */
  let someone: TestUser;
  const browsers = new Map<State, Browser>();

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await userWithMethods(t, ['totp'], { role: 'admin' });
    accountRequiring2fa = admin.user.accountId;
    const { accessToken } = await signInWithApp(t, admin.user, admin.secret);
    await t.as(accessToken).put('/api/admin/policy').send({ twoFactorRequired: true }).expect(200);
    someone = (await userWithMethods(t, ['totp'])).user;
    const home = await t.http.get('/').expect(200);
    assets = [...home.text.matchAll(/"\/assets\/([^"]+)"/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
  }, 60_000);
  afterAll(() => t?.close());

  const server = () => t.app.getHttpServer() as Parameters<typeof request>[0];

  function sessionCookieOf(response: Response): string | undefined {
    const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
    return cookies.find((cookie) => cookie.startsWith('gk_session='))?.split(';')[0];
  }

  /** A GET as the browser in front of the page, keeping its cookie up to date. */
  async function visit(browser: Pick<Browser, 'cookie'>, path: string): Promise<Response> {
    const response = await request(server()).get(path).set('Cookie', browser.cookie);
    browser.cookie = sessionCookieOf(response) ?? browser.cookie;
    return response;
  }

  async function post(
    browser: Pick<Browser, 'cookie' | 'csrf'>,
    path: string,
    fields: Record<string, string>,
  ): Promise<Response> {
    const response = await request(server())
      .post(path)
      .set('Cookie', browser.cookie)
      .type('form')
      .send({ _csrf: browser.csrf, ...fields });
    browser.cookie = sessionCookieOf(response) ?? browser.cookie;
    return response;
  }

  /** A new browser at the password form. */
  async function anonymous(): Promise<Browser> {
    const home = await request(server()).get('/').expect(200);
    return {
      state: 'anonymous',
      cookie: sessionCookieOf(home)!,
      csrf: csrfOf(home.text),
      user: someone,
    };
  }

  /** A browser through the password; a fresh user each time, so no lockout carries over. */
  async function afterPassword(user: TestUser): Promise<Browser> {
    const browser = await anonymous();
    const signedIn = await post(browser, '/sign-in', {
      email: user.email,
      password: user.password,
    });
    expect(signedIn.status).toBe(303);
    return { ...browser, user };
  }

  const establish: Record<State, () => Promise<Browser>> = {
    anonymous,
    challenge: async () => {
      const { user, secret } = await userWithMethods(t, ['totp', 'email']);
      const browser = await afterPassword(user);
      browser.csrf = csrfOf((await visit(browser, '/')).text);
      return { ...browser, state: 'challenge', secret };
    },
    signedIn: async () => {
      const { user, secret } = await userWithMethods(t, ['totp']);
      const browser = await afterPassword(user);
      nextTotpStep(t);
      browser.csrf = csrfOf((await visit(browser, '/')).text);
      const code = totpCode(secret, t.clock.now().getTime());
      expect((await post(browser, '/sign-in/code', { code, remember: 'on' })).status).toBe(303);
      const overview = await visit(browser, '/account/security');
      const deviceId = /\/account\/security\/devices\/([0-9a-f-]{36})\/remove/.exec(
        overview.text,
      )![1];
      return { ...browser, state: 'signedIn', csrf: csrfOf(overview.text), deviceId, secret };
    },
    setup: async () => {
      const user = await createUser(t, accountRequiring2fa, 'member');
      const browser = await afterPassword(user);
      browser.csrf = csrfOf((await visit(browser, '/account/security')).text);
      return { ...browser, state: 'setup' };
    },
  };

  /** Whether the browser is still in its state (a run may have ended it), with its current token. */
  async function stillIn(browser: Browser): Promise<boolean> {
    const path =
      browser.state === 'anonymous' || browser.state === 'challenge' ? '/' : '/account/security';
    const page = await visit(browser, path);
    if (page.status !== 200) return false;
    browser.csrf = csrfOf(page.text);
    const signedIn = page.text.includes('action="/account/security/sign-out-everywhere"');
    switch (browser.state) {
      case 'anonymous':
        return page.text.includes('name="password"');
      case 'challenge':
        return page.text.includes('name="code"');
      case 'signedIn':
        return signedIn;
      case 'setup':
        return !signedIn;
    }
  }

  async function browserIn(state: State): Promise<Browser> {
    const known = browsers.get(state);
    if (known && (await stillIn(known))) return known;
    const browser = await establish[state]();
    browsers.set(state, browser);
    return browser;
  }

  /** A path segment: a real name in any letter case or percent-encoded, or anything at all. */
  const segment = (known: fc.Arbitrary<string>) =>
    fc.oneof(
      { weight: 6, arbitrary: known },
      { weight: 1, arbitrary: known.map(anyCase) },
      { weight: 1, arbitrary: known.map(percentEncode) },
      { weight: 2, arbitrary: hostileString.map(percentEncode) },
      { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%', '%zz', '..', '%2F', 'a%2Fb', '') },
    );

  /**
   * What a form's field may hold: anything, or what the form expects. `PASSWORD`, `EMAIL` and
   * `CODE` stand for the browser's user's own password, address and current app code, so some
   * requests get far enough to be refused for what they are (or to go through).
   */
  const EXPECTED: Record<string, string[]> = {
    email: ['EMAIL', 'ada@example.com'],
    password: ['PASSWORD'],
    currentPassword: ['PASSWORD'],
    newPassword: ['a-new-password-1', 'short'],
    code: ['CODE', '123456'],
    remember: ['on', 'off'],
    method: METHODS,
    language: ['fr', 'en', 'de'],
    back: ['/account/security', '//evil.example', '/help'],
    name: ['My key', ' ', '\u202Ekey'],
    // A passkey's answer as the pages' script posts it: JSON, or something claiming to be.
    response: [
      '{}',
      'null',
      '[]',
      '{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{},"clientExtensionResults":{}}',
      '{"__proto__":{"id":"x"},"constructor":1}',
      `{"id":"${'A'.repeat(20_000)}"}`,
      '{"a":' + '['.repeat(2_000),
    ],
  };
  const valueFor = (name: string) =>
    fc.oneof(
      { weight: 2, arbitrary: hostileString },
      {
        weight: 3,
        arbitrary: fc.constantFrom(...(Object.hasOwn(EXPECTED, name) ? EXPECTED[name] : [''])),
      },
      { weight: 1, arbitrary: fc.constantFrom('x'.repeat(90_000), 'on', 'fr', '') },
    );
  const pairFor = (names: string[]) =>
    fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), valueFor(name)));

  /**
   * Form fields as ordered pairs: mostly the route's own, sometimes more (a repeated name
   * arrives as an array, a prototype or bracketed name as itself).
   */
  const fieldsFor = (route: Route) => {
    const own = route.fields ?? [];
    // Each of the form's own fields, mostly there.
    const ownPairs = fc
      .tuple(...own.map((name) => fc.option(valueFor(name), { freq: 6 })))
      .map((values) =>
        values.flatMap((value, i): [string, string][] => (value === null ? [] : [[own[i], value]])),
      );
    const extras = fc.oneof(
      { weight: 3, arbitrary: fc.constant<[string, string][]>([]) },
      {
        weight: 1,
        arbitrary: fc.array(pairFor([...own, ...FIELD_NAMES, ...ODD_FIELD_NAMES]), {
          minLength: 1,
          maxLength: 2,
        }),
      },
    );
    return fc.tuple(ownPairs, extras).map(([first, more]) => [...first, ...more]);
  };

  const csrfChoice = fc.oneof(
    { weight: 6, arbitrary: fc.constant<CsrfChoice>({ kind: 'valid' }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<CsrfChoice>(
        { kind: 'none' },
        { kind: 'twice' },
        { kind: 'altered' },
        { kind: 'upper' },
        { kind: 'query' },
      ),
    },
    { weight: 1, arbitrary: hostileString.map<CsrfChoice>((value) => ({ kind: 'other', value })) },
  );

  const payloadFor = (route: Route) => {
    const fields = fieldsFor(route);
    return fc.oneof(
      { weight: 6, arbitrary: fields.map<Payload>((pairs) => ({ kind: 'form', pairs })) },
      { weight: 1, arbitrary: fields.map<Payload>((pairs) => ({ kind: 'multipart', pairs })) },
      { weight: 2, arbitrary: fields.map<Payload>((pairs) => ({ kind: 'json', pairs })) },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Payload>(
          { kind: 'raw', type: 'application/json', text: '{"a":' },
          { kind: 'raw', type: 'application/json', text: '['.repeat(3_000) },
          { kind: 'raw', type: 'application/json', text: '"text"' },
          { kind: 'raw', type: 'application/json', text: '[]' },
          { kind: 'raw', type: 'text/plain', text: 'email=a@example.com' },
          { kind: 'raw', type: 'application/octet-stream', text: 'binary' },
          { kind: 'raw', type: 'multipart/form-data', text: '--x\r\n' },
          { kind: 'raw', type: 'application/x-www-form-urlencoded; charset=utf-16', text: 'a=b' },
          { kind: 'raw', type: 'application/x-www-form-urlencoded', text: '%E0%A4%A=%' },
          { kind: 'raw', type: 'application/x-www-form-urlencoded', text: 'a=1&'.repeat(1_200) },
          { kind: 'raw', type: 'application/x-www-form-urlencoded', text: 'x'.repeat(200_000) },
          { kind: 'empty' },
        ),
      },
    );
  };

  const headerText = hostileString.filter((value) => /^[\x20-\x7e]*$/.test(value));

  const headers = fc.record({
    cookie: fc.oneof(
      { weight: 8, arbitrary: fc.constant<CookieChoice>({ kind: 'own' }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom<CookieChoice>(
          { kind: 'none' },
          { kind: 'ownTwice' },
          { kind: 'garbageFirst', value: 's%3Agarbage.signature' },
          { kind: 'garbageFirst', value: '%E0%A4%A' },
          { kind: 'ownThen', value: 'gk_session=s%3Aother.sig' },
        ),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom('gk_session', 'gk_pages_device', 'gk_device'), hostileString)
          .map<CookieChoice>(([name, value]) => ({
            kind: 'ownThen',
            value: `${name}=${percentEncode(value).slice(0, 4_000)}`,
          })),
      },
    ),
    language: fc.option(
      fc.oneof(
        fc.constantFrom('fr', 'fr-FR,fr;q=0.9', 'en;q=abc', '*', ',,,', ';q=1', 'x'.repeat(4_000)),
        headerText,
      ),
    ),
    // A browser's, which also turns refusals before any route into pages; an API client's; odd ones.
    accept: fc.option(
      fc.oneof(
        fc.constantFrom(
          'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
          'application/json',
          '*/*',
          'text/html;q=abc, application/json;q=',
        ),
        headerText,
      ),
    ),
    encoding: fc.oneof(
      { weight: 12, arbitrary: fc.constant(null) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'gzip, br'),
      },
    ),
    upperCase: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    trailingSlash: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  });

  const query = fc.oneof(
    { weight: 3, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom(
              'back',
              'language',
              'lang',
              'method',
              'code',
              '_csrf',
              'next',
            ),
          },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              '__proto__',
              'constructor',
              'a[b][c]',
              '__proto__[x]',
              'toString',
            ),
          },
        ),
        fc.oneof(hostileString, fc.constantFrom('fr', '//evil.example', '/account/security')),
        { maxKeys: 3 },
      ),
    },
  );

  const anyRequest = fc.record({
    state: fc.constantFrom<State>('anonymous', 'challenge', 'signedIn', 'setup'),
    routed: fc
      .constantFrom(...ROUTES)
      .chain((route) => fc.tuple(fc.constant(route), payloadFor(route))),
    method: segment(fc.constantFrom(...METHODS)),
    id: fc.oneof(
      { weight: 3, arbitrary: fc.constant('device') },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: segment(fc.uuid()) },
    ),
    asset: segment(fc.constantFrom('asset', 'logo.000000000000.png', 'pages.css')),
    assetIndex: fc.nat(),
    query,
    csrf: csrfChoice,
    headers,
  });
  type Sample = typeof anyRequest extends fc.Arbitrary<infer T> ? T : never;

  function send(browser: Browser, sample: Sample) {
    const { csrf, headers: header } = sample;
    const [route, body] = sample.routed;
    let path = route.path
      .replace('{method}', sample.method)
      .replace('{id}', sample.id === 'device' ? (browser.deviceId ?? 'device') : sample.id)
      .replace(
        '{asset}',
        sample.asset === 'asset' ? assets[sample.assetIndex % assets.length] : sample.asset,
      );
    if (header.upperCase) path = anyCase(path);
    if (header.trailingSlash) path = `${path}/`.replace('//', '/');
    const search = Object.entries(sample.query).map(
      ([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`,
    );
    if (csrf.kind === 'query') search.push(`_csrf=${browser.csrf}`);
    const url = search.length > 0 ? `${path}?${search.join('&')}` : path;
    let call = request(server())[route.method](url);

    const cookie = header.cookie;
    const own = browser.cookie;
    if (cookie.kind === 'own') call = call.set('Cookie', own);
    else if (cookie.kind === 'ownTwice') call = call.set('Cookie', `${own}; ${own}`);
    else if (cookie.kind === 'garbageFirst') {
      call = call.set('Cookie', `gk_session=${cookie.value}; ${own}`);
    } else if (cookie.kind === 'ownThen') call = call.set('Cookie', `${own}; ${cookie.value}`);
    if (header.language !== null) call = call.set('Accept-Language', header.language);
    if (header.accept !== null) call = call.set('Accept', header.accept);
    if (header.encoding !== null) call = call.set('Content-Encoding', header.encoding);
    if (route.method !== 'post') return call;

    const token: string[] = {
      valid: [browser.csrf],
      none: [],
      twice: [browser.csrf, browser.csrf],
      altered: [`${browser.csrf.slice(0, -1)}${browser.csrf.endsWith('0') ? '1' : '0'}`],
      upper: [browser.csrf.toUpperCase()],
      query: [],
      other: [csrf.kind === 'other' ? csrf.value : ''],
    }[csrf.kind];
    const placeholders = new Map([
      ['PASSWORD', browser.user?.password],
      ['EMAIL', browser.user?.email],
      ['CODE', browser.secret ? totpCode(browser.secret, t.clock.now().getTime()) : undefined],
    ]);
    const placeholder = (value: string) => placeholders.get(value) ?? value;
    const pairs: [string, string][] =
      'pairs' in body
        ? [
            ...token.map((value) => ['_csrf', value] as [string, string]),
            ...body.pairs.map(([name, value]): [string, string] => [name, placeholder(value)]),
          ]
        : [];
    switch (body.kind) {
      case 'form':
        return call
          .type('form')
          .send(
            pairs
              .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
              .join('&'),
          );
      case 'multipart':
        return pairs.reduce((form, [name, value]) => form.field(name, value), call);
      case 'json': {
        // Written by hand: a repeated name becomes an array, and `__proto__` stays a key.
        const grouped = new Map<string, string[]>();
        for (const [name, value] of pairs) grouped.set(name, [...(grouped.get(name) ?? []), value]);
        const members = [...grouped].map(
          ([name, values]) =>
            `${JSON.stringify(name)}:${JSON.stringify(values.length === 1 ? values[0] : values)}`,
        );
        return call.set('Content-Type', 'application/json').send(`{${members.join(',')}}`);
      }
      case 'raw':
        return call.set('Content-Type', body.type).send(body.text);
      case 'empty':
        return call;
    }
  }

  const errorsLogged = () => t.logs.lines.filter((line) => line.startsWith('error'));

  it('I5, U2: in every session state: no 5xx, every refusal a 4xx page or a redirect here, refusals change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(anyRequest, async (sample) => {
        const browser = await browserIn(sample.state);
        const before = await decided(t);
        const logged = errorsLogged().length;
        const response = await send(browser, sample);
        const sentOwnFirst = ['own', 'ownTwice', 'ownThen'].includes(sample.headers.cookie.kind);
        if (sentOwnFirst) browser.cookie = sessionCookieOf(response) ?? browser.cookie;

        expect(response.status).toBeLessThan(500);
        const page = /^text\/html/.test(response.headers['content-type'] ?? '');
        // A page no page route rendered (a refusal before any route) has no session, so no form.
        const routed = page && (response.text ?? '').includes('action="/language"');
        // U2: a form posted without this session's token (none, twice, altered, in the query,
        // another value) goes nowhere: a 403 page, or a refusal before any route ran.
        if (sample.routed[0].method === 'post' && sample.csrf.kind !== 'valid') {
          expect(response.status).toBeGreaterThanOrEqual(400);
          if (routed) expect(response.status).toBe(403);
        }
        if (response.status >= 300 && response.status < 400) {
          expect(response.headers.location).toMatch(/^\/(?![/\\])/);
        }
        if (response.status >= 400) {
          // Refused before any page route ran (the body parsers, a prototype key in the query, a
          // path segment that does not decode, a path no route has, an unknown asset): the
          // API's JSON refusal with its code, or for a browser a page without a form. What a page
          // route refuses is a page.
          if (!page && sample.routed[0].method !== 'head') {
            expect(REFUSED_BEFORE_ROUTING).toContain(response.body.code);
          }
          if (page && !routed && sample.routed[0].method !== 'head') {
            expect(BEFORE_ROUTING_STATUSES).toContain(response.status);
          }
          expect(await decided(t)).toEqual(before);
        }
        expect(errorsLogged().slice(logged)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});

const BEFORE_ROUTING_STATUSES = [400, 403, 404, 413, 415, 431];

const REFUSED_BEFORE_ROUTING = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'NOT_FOUND',
];

type CsrfChoice =
  | { kind: 'valid' | 'none' | 'twice' | 'altered' | 'upper' | 'query' }
  | { kind: 'other'; value: string };

type CookieChoice =
  { kind: 'own' | 'none' | 'ownTwice' } | { kind: 'garbageFirst' | 'ownThen'; value: string };

type Payload =
  | { kind: 'form' | 'multipart' | 'json'; pairs: [string, string][] }
  | { kind: 'raw'; type: string; text: string }
  | { kind: 'empty' };

/**
 * The product's data as a refusal must leave it (the passkeys too), but for the attempt counters
 * a wrong code rightly moves (B1, B2: a refused code counts).
 */
async function decided(t: TestApp): Promise<unknown[]> {
  const passkeys = await t.app
    .get(DataSource)
    .query<unknown>('SELECT * FROM passkey_credentials ORDER BY 1');
  const tables = (await snapshot(t)) as Record<string, unknown>[][];
  return [
    ...tables.map((rows) => rows.map(({ failedAttempts: _counted, ...row }) => row)),
    passkeys,
  ];
}

/** Every other letter upper case: Express routes it as it routes the lower-case path. */
function anyCase(text: string): string {
  return [...text].map((char, i) => (i % 2 ? char.toUpperCase() : char)).join('');
}
