import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
});
