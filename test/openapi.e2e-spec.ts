import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_STATUS, ErrorCode } from 'src/common/errors/error-code';
import { startTestApp, type TestApp } from './support/test-app';

const COMMITTED = join(__dirname, '..', 'openapi.json');

/**
 * The OpenAPI document is generated from the code and committed, so a change to the contract
 * shows in review. `npm run openapi` rewrites the file; otherwise this fails on any difference.
 */
describe('OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('served at /api/docs-json is the committed openapi.json', async () => {
    const served = (await t.http.get('/api/docs-json').expect(200)).body as unknown;
    const text = `${JSON.stringify(served, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(COMMITTED, text);
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(served);
  });

  it('documents every route of the contract with the error shape', async () => {
    const document = (await t.http.get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const routes = [
      'post /api/auth/login',
      'post /api/auth/two-factor/verify',
      'post /api/auth/two-factor/method',
      'post /api/auth/two-factor/resend',
      'post /api/auth/refresh',
      'post /api/auth/logout',
      'post /api/auth/logout-all',
      'get /api/me',
      'post /api/me/password',
      'get /api/me/two-factor',
      'post /api/me/two-factor/email',
      'post /api/me/two-factor/email/resend',
      'post /api/me/two-factor/email/confirm',
      'post /api/me/two-factor/totp',
      'post /api/me/two-factor/totp/confirm',
      'delete /api/me/two-factor/email',
      'delete /api/me/two-factor/totp',
      'post /api/me/recovery-codes',
      'get /api/me/trusted-devices',
      'delete /api/me/trusted-devices/{id}',
      'get /api/admin/users',
      'post /api/admin/users',
      'post /api/admin/users/{id}/two-factor/reset',
      'get /api/admin/policy',
      'put /api/admin/policy',
      'get /api/health',
    ];
    for (const route of routes) {
      const [method, path] = route.split(' ');
      expect(document.paths[path]?.[method]?.responses.default).toBeDefined();
    }
  });

  describe('for client developers', () => {
    interface Operation {
      summary?: string;
      tags: string[];
      responses: Record<
        string,
        { content?: { 'application/json': { schema: Record<string, unknown> } } }
      >;
    }
    let operations: [string, Operation][];
    let document: { tags: { name: string }[]; paths: Record<string, Record<string, Operation>> };

    beforeAll(async () => {
      document = (await t.http.get('/api/docs-json').expect(200)).body as typeof document;
      operations = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.entries(item).map(([method, operation]): [string, Operation] => [
          `${method} ${path}`,
          operation,
        ]),
      );
    });

    it('every operation has a summary, and every error it documents lists its `code` values', () => {
      for (const [route, operation] of operations) {
        expect([route, operation.summary]).toEqual([
          route,
          expect.stringMatching(/^[A-Z].{5,80}$/),
        ]);
        const statuses = Object.keys(operation.responses).filter((status) => /^[45]/.test(status));
        if (route !== 'get /api/health/live')
          expect([route, statuses.length > 0]).toEqual([route, true]);
        for (const status of statuses) {
          const schema = operation.responses[status].content!['application/json'].schema as {
            allOf: [unknown, { properties: { code: { enum: ErrorCode[] } } }];
          };
          const codes = schema.allOf[1].properties.code.enum;
          expect(codes.length).toBeGreaterThan(0);
          for (const code of codes)
            expect([route, code, ERROR_STATUS[code]]).toEqual([route, code, Number(status)]);
        }
      }
    });

    it('every oneOf answer names its discriminator, and each alternative has that property', () => {
      const oneOfs = JSON.stringify(document).match(/"oneOf":/g) ?? [];
      expect(oneOfs.length).toBeGreaterThanOrEqual(4);
      const walk = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        const schema = node as {
          oneOf?: { $ref: string }[];
          discriminator?: { propertyName: string; mapping: Record<string, string> };
        };
        if (schema.oneOf) {
          expect(schema.discriminator?.propertyName).toBe('status');
          expect(Object.values(schema.discriminator!.mapping).sort()).toEqual(
            schema.oneOf.map((option) => option.$ref).sort(),
          );
        }
        Object.values(node).forEach(walk);
      };
      walk(document.paths);
    });

    it('tags run in the order a client meets them: auth, me, admin', () => {
      expect(document.tags.map((tag) => tag.name)).toEqual([
        'auth',
        'me',
        'admin',
        'support',
        'health',
      ]);
      for (const [route, operation] of operations) {
        expect([route, document.tags.some((tag) => operation.tags.includes(tag.name))]).toEqual([
          route,
          true,
        ]);
      }
    });
  });
});
