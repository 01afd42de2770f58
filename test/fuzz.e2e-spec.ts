import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { createAccountWithUser, signIn, type TestUser } from './support/factories';
import { hostileString, hostileValue, percentEncode, snapshot } from './support/fuzz';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * I3, I4: property-based requests over every operation of the committed OpenAPI document, with
 * hostile values in every body field, path and query parameter, extra and prototype keys, and
 * garbage, `alg: none` and real tokens. No answer is a 5xx; every error has a `code`; no answer
 * echoes a secret; requests without a valid session change no data.
 */
const RUNS_WITHOUT_SESSION = Number(process.env.FUZZ_RUNS ?? 6_000);
const RUNS_WITH_SESSION = Number(process.env.FUZZ_RUNS ?? 4_000);

interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyFields: string[] | null;
}

type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string }[];
        requestBody?: { content: { 'application/json': { schema: { $ref?: string } } } };
      }
    >
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

function operations(): Operation[] {
  const document = JSON.parse(
    readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'),
  ) as OpenApi;
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = operation.parameters ?? [];
      const ref = operation.requestBody?.content['application/json'].schema.$ref;
      const schema = ref ? document.components.schemas[ref.split('/').pop()!] : undefined;
      return {
        method: method as Operation['method'],
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: operation.requestBody ? Object.keys(schema?.properties ?? {}) : null,
      };
    }),
  );
}

function body(fields: string[]): fc.Arbitrary<string> {
  const shaped = fc
    .record(Object.fromEntries(fields.map((field) => [field, hostileValue])), {
      requiredKeys: [],
    })
    .chain((record) =>
      fc
        .subarray(['__proto__', 'constructor', 'prototype', 'extra', 'isAdmin'])
        .chain((extras) =>
          fc.tuple(
            fc.constant(record),
            fc.array(hostileValue, { minLength: extras.length, maxLength: extras.length }),
            fc.constant(extras),
          ),
        ),
    )
    .map(([record, values, extras]) => {
      const json = JSON.stringify(record);
      const extra = extras.map(
        (key, i) => `${JSON.stringify(key)}:${JSON.stringify(values[i]) ?? 'null'}`,
      );
      return extra.length === 0
        ? json
        : `${json.slice(0, -1)}${json === '{}' ? '' : ','}${extra.join(',')}}`;
    });
  const deep = fc
    .integer({ min: 50, max: 5_000 })
    .map((depth) => '['.repeat(depth) + ']'.repeat(depth));
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 1, arbitrary: hostileValue.map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', 'null', '[]', '"text"', '{"a":1}}', '') },
    { weight: 1, arbitrary: deep },
  );
}

describe('Fuzzing every operation of openapi.json (I3, I4)', () => {
  let t: TestApp;
  let member: TestUser;
  let admin: TestUser;
  let memberToken: string;
  let adminToken: string;
  let secrets: string[];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createAccountWithUser(t, 'admin');
    member = await createAccountWithUser(t, 'member');
    memberToken = (await signIn(t, member)).accessToken;
    adminToken = (await signIn(t, admin)).accessToken;
    secrets = [
      member.password,
      admin.password,
      t.config.jwtSecret.toString('base64url'),
      t.config.encryptionKey.toString('base64url'),
    ];
  });
  afterAll(() => t.close());

  const garbageToken = fc.oneof(
    hostileString.filter((token) => /^[\x21-\x7e]+$/.test(token)),
    fc.constant(
      // alg: none, claiming to be anyone
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
        '{"sub":"00000000-0000-0000-0000-000000000000","sv":1,"mfa":true,"sid":"x","aud":"gatekeeper:access","iss":"gatekeeper"}',
      ).toString('base64url')}.`,
    ),
  );

  function request(
    operation: Operation,
    values: Record<string, string>,
    token: string | null,
    payload: string | null,
    cookie: string | null,
  ) {
    let path = operation.path;
    for (const name of operation.pathParams)
      path = path.replace(`{${name}}`, percentEncode(values[name] ?? ''));
    const query = operation.queryParams
      .filter((name) => values[name] !== undefined)
      .map((name) => `${name}=${percentEncode(values[name])}`)
      .join('&');
    let call = t.http[operation.method](query ? `${path}?${query}` : path);
    if (token !== null) call = call.set('Authorization', `Bearer ${token}`);
    if (cookie !== null) call = call.set('Cookie', `gk_device=${cookie}`);
    if (payload !== null) call = call.set('Content-Type', 'application/json').send(payload);
    return call;
  }

  function check(response: Response, payload: string | null): void {
    expect(response.status).toBeLessThan(500);
    if (response.status >= 400) {
      expect(typeof response.body.code).toBe('string');
      expect(response.body.code).toMatch(/^[A-Z_]+$/);
    }
    // A prototype key anywhere in a body is an unknown field, before any route looks at it
    // (unless the request was refused before its body was read: too large, or its headers).
    if (payload !== null && holdsPrototypeKey(payload) && ![413, 431].includes(response.status)) {
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
    for (const secret of secrets) expect(response.text).not.toContain(secret);
  }

  const ops = operations();
  const parameterValues = (operation: Operation) =>
    fc.record(
      Object.fromEntries(
        [...operation.pathParams, ...operation.queryParams].map((name) => [
          name,
          fc.oneof(hostileString, fc.uuid(), fc.integer().map(String)),
        ]),
      ),
      { requiredKeys: operation.pathParams },
    ) as fc.Arbitrary<Record<string, string>>;

  const anyRequest = (tokens: fc.Arbitrary<string | null>, operationsToUse: Operation[]) =>
    fc.constantFrom(...operationsToUse).chain((operation) =>
      fc.tuple(
        fc.constant(operation),
        parameterValues(operation),
        tokens,
        operation.bodyFields ? body(operation.bodyFields) : fc.constant(null),
        fc.option(
          hostileString
            .map((value) => percentEncode(value))
            .chain((value) => fc.constantFrom(value, '%E0%A4%A', value.slice(0, 3))),
          { freq: 5 },
        ),
      ),
    );

  it('I3: without a valid session: no 5xx, every error with a code, nothing changed', async () => {
    const before = await snapshot(t);
    await fc.assert(
      fc.asyncProperty(
        anyRequest(fc.option(garbageToken), ops),
        async ([operation, values, token, payload, cookie]) => {
          check(await request(operation, values, token, payload, cookie), payload);
        },
      ),
      { numRuns: RUNS_WITHOUT_SESSION },
    );
    expect(await snapshot(t)).toEqual(before);
  }, 600_000);

  it('I4: with a member or an administrator session: no 5xx, every error with a code, no secret echoed', async () => {
    // Signing out everywhere would only end the sessions the rest of the run relies on.
    const withSession = ops.filter((operation) => operation.path !== '/api/auth/logout-all');
    await fc.assert(
      fc.asyncProperty(
        anyRequest(fc.constantFrom(memberToken, adminToken), withSession),
        async ([operation, values, token, payload, cookie]) => {
          check(await request(operation, values, token, payload, cookie), payload);
        },
      ),
      { numRuns: RUNS_WITH_SESSION },
    );
  }, 600_000);
});

/** Whether this JSON text holds a `__proto__` or `constructor` key at any depth. */
function holdsPrototypeKey(payload: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return false;
  }
  const pending = [parsed];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Object.hasOwn(value, '__proto__') || Object.hasOwn(value, 'constructor')) return true;
    pending.push(...Object.values(value));
  }
  return false;
}
