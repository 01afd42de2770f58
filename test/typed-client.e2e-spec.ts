import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createGatekeeperClient, type GatekeeperClient } from '../client/gatekeeper-client';
import { createAccountWithUser } from './support/factories';
import { totpCode } from './support/independent-totp';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep } from './support/two-factor';

const ROOT = join(__dirname, '..');

/**
 * The typed client in client/ is generated from openapi.json, which a test already holds to the
 * running app: this one holds the client to openapi.json, and drives the app through it, so a
 * change on either side that the other did not follow fails here (at compile time or at run time).
 */
describe('The typed client (client/)', () => {
  let t: TestApp;
  let gatekeeper: GatekeeperClient;

  beforeAll(async () => {
    t = await startTestApp();
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    gatekeeper = createGatekeeperClient({ baseUrl: `http://127.0.0.1:${port}` });
  });
  afterAll(() => t.close());

  it('is what openapi-typescript makes of the committed openapi.json (`npm run openapi`)', () => {
    const generated = execFileSync(
      join(ROOT, 'node_modules', '.bin', 'openapi-typescript'),
      [join(ROOT, 'openapi.json')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const formatted = execFileSync(
      join(ROOT, 'node_modules', '.bin', 'prettier'),
      ['--stdin-filepath', join(ROOT, 'client', 'schema.d.ts')],
      { encoding: 'utf8', input: generated },
    );
    expect(formatted).toBe(readFileSync(join(ROOT, 'client', 'schema.d.ts'), 'utf8'));
  });

  it('signs in with a second factor, reads the profile and gets typed error codes', async () => {
    const user = await createAccountWithUser(t, 'admin');
    const wrong = await gatekeeper.POST('/api/auth/login', {
      body: { email: user.email, password: 'not-the-password' },
    });
    expect(wrong.response.status).toBe(401);
    expect(wrong.error?.code).toBe('INVALID_CREDENTIALS');

    const first = await gatekeeper.POST('/api/auth/login', {
      body: { email: user.email, password: user.password },
    });
    if (first.data?.status !== 'authenticated') throw new Error('expected a session');
    const auth = { headers: { Authorization: `Bearer ${first.data.accessToken}` } };
    const enrolment = await gatekeeper.POST('/api/me/two-factor/totp', {
      ...auth,
      body: { password: user.password },
    });
    const secret = enrolment.data!.secret;
    const confirmed = await gatekeeper.POST('/api/me/two-factor/totp/confirm', {
      ...auth,
      body: { code: totpCode(secret, t.clock.now().getTime()) },
    });
    expect(confirmed.data?.status).toBe('method_enabled');

    nextTotpStep(t);
    const login = await gatekeeper.POST('/api/auth/login', {
      body: { email: user.email, password: user.password },
    });
    if (login.data?.status !== 'two_factor_required') throw new Error('expected a challenge');
    expect(login.data.methods).toEqual(['totp']);
    const code = totpCode(secret, t.clock.now().getTime());
    const verified = await gatekeeper.POST('/api/auth/two-factor/verify', {
      body: { challengeToken: login.data.challengeToken, code },
    });
    expect(verified.data?.status).toBe('authenticated');

    // The same code again, on a new challenge: right, but spent.
    const again = await gatekeeper.POST('/api/auth/login', {
      body: { email: user.email, password: user.password },
    });
    if (again.data?.status !== 'two_factor_required') throw new Error('expected a challenge');
    const replay = await gatekeeper.POST('/api/auth/two-factor/verify', {
      body: { challengeToken: again.data.challengeToken, code },
    });
    expect(replay.error?.code).toBe('CODE_ALREADY_USED');

    const session = { headers: { Authorization: `Bearer ${verified.data!.accessToken}` } };
    const me = await gatekeeper.GET('/api/me', session);
    expect(me.data?.email).toBe(user.email);
    const users = await gatekeeper.GET('/api/admin/users', {
      ...session,
      params: { query: { page: 1, limit: 10 } },
    });
    expect(users.data?.items.map((item) => item.email)).toEqual([user.email]);
  });
});
