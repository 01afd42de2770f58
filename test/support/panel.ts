import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { TestUser } from './factories';
import { totpCode } from './independent-totp';
import { startTestApp, type TestApp } from './test-app';
import { nextTotpStep, userWithMethods } from './two-factor';

/**
 * The real app with the AdminJS panel. Each test file bundles into its own folder, so
 * parallel Jest workers never write the same bundle.
 */
export function startPanelApp(env: Record<string, string> = {}): Promise<TestApp> {
  process.env.ADMIN_JS_TMP_DIR = mkdtempSync(join(tmpdir(), 'gatekeeper-panel-bundle-'));
  return startTestApp(env, undefined, { adminPanel: true });
}

export interface UserWithApp extends TestUser {
  /** The authenticator-app secret, for computing codes independently. */
  secret: string;
}

/** A user of `accountId` (or of a new account) with an authenticator app set up through the API. */
export async function userWithApp(
  t: TestApp,
  role: 'admin' | 'member',
  accountId?: string,
): Promise<UserWithApp> {
  const { user, secret } = await userWithMethods(t, ['totp'], { accountId, role });
  return { ...user, secret };
}

/** The panel's own origin (PUBLIC_URL), which every panel POST must name (A6). */
export function panelOrigin(t: TestApp): string {
  return new URL(t.config.publicUrl).origin;
}

/**
 * A cookie-keeping client of the panel, as a browser on the panel's own pages would be: it names
 * the panel's origin in `Origin`, as browsers do on every POST.
 */
export function panelClient(t: TestApp): TestAgent {
  return request.agent(t.app.getHttpServer()).set('Origin', panelOrigin(t));
}

/** Password, then an independently computed TOTP code; answers the last redirect's target. */
export async function signInToPanel(
  t: TestApp,
  panel: TestAgent,
  user: UserWithApp,
): Promise<string> {
  await panel
    .post('/admin/login')
    .type('form')
    .send({ email: user.email, password: user.password })
    .expect(302);
  nextTotpStep(t);
  const code = totpCode(user.secret, t.clock.now().getTime());
  const verified = await panel.post('/admin/login/code').type('form').send({ code }).expect(302);
  return verified.headers.location;
}
