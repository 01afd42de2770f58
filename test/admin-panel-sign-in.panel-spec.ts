import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { csrfOf, passkeyOptionsIn } from './support/pages';
import { SoftwareAuthenticator } from './support/software-authenticator';
import { panelClient, startPanelApp, userWithApp, type UserWithApp } from './support/panel';
import type { TestApp } from './support/test-app';
import { signInWithApp } from './support/two-factor';

const ORIGIN = 'https://auth.example.com';

/**
 * The panel's second step beyond the app and email codes: a recovery code, and a passkey, each
 * checked by the API's own verify (limits, lockout, single use, audit).
 */
describe('AdminJS panel sign-in: recovery codes and passkeys (P4, R1, W2)', () => {
  let t: TestApp;
  let admin: UserWithApp;
  let token: string;

  beforeAll(async () => {
    t = await startPanelApp({ PUBLIC_URL: ORIGIN });
    admin = await userWithApp(t, 'admin');
    token = (await signInWithApp(t, admin, admin.secret)).accessToken;
  }, 60_000);

  afterAll(() => t.close());

  async function password(panel: TestAgent): Promise<string> {
    await panel
      .post('/admin/login')
      .type('form')
      .send({ email: admin.email, password: admin.password })
      .expect(302);
    return (await panel.get('/admin/login').expect(200)).text;
  }

  const choose = (panel: TestAgent, method: string) =>
    panel.post('/admin/login/method').type('form').send({ method }).expect(302);
  const answer = (panel: TestAgent, fields: object) =>
    panel.post('/admin/login/code').type('form').send(fields).expect(302);

  it('U1/A5: with the panel mounted, the pages keep their own session cookie (path /, SameSite=Lax) and a page form passes its CSRF check', async () => {
    const pages = request.agent(t.app.getHttpServer());
    const panel = panelClient(t);
    await password(panel);
    const form = await pages.get('/').expect(200);
    const cookie = String(form.headers['set-cookie']);
    expect(cookie).toMatch(/^gk_session=.*; Path=\/; .*SameSite=Lax/);
    const csrf = csrfOf(form.text);
    await pages
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, email: admin.email, password: admin.password })
      .expect(303);
    const step = await panel.get('/admin/login').expect(200);
    expect(String(step.headers['set-cookie'] ?? '')).not.toContain('gk_session');
  });

  it('R1: "Use a recovery code instead" signs in to the panel with one recovery code, once', async () => {
    const { codes } = (
      await t
        .as(token)
        .post('/api/me/recovery-codes')
        .send({ password: admin.password })
        .expect(200)
    ).body as { codes: string[] };

    const panel = panelClient(t);
    expect(await password(panel)).toContain('Use a recovery code instead');
    await choose(panel, 'recovery');
    const step = (await panel.get('/admin/login').expect(200)).text;
    expect(step).toContain('Enter one of the recovery codes');
    expect(step).toContain('Recovery code <input name="code" autocomplete="off"');
    const wrong = await answer(panel, { code: 'aaaa-bbbb-cccc' });
    expect(wrong.headers.location).toBe('/admin/login');
    // A wrong code keeps the step, as for the app's codes.
    expect((await panel.get('/admin/login').expect(200)).text).toContain('Recovery code');
    const signedIn = await answer(panel, { code: codes[0] });
    expect(signedIn.headers.location).toBe('/admin');
    await panel.get('/admin/resources/users').expect(200);

    const again = panelClient(t);
    await password(again);
    await choose(again, 'recovery');
    expect((await answer(again, { code: codes[0] })).headers.location).toBe('/admin/login');
    await again.get('/admin/resources/users').expect(302);
  });

  it('W2: "Use a passkey instead" signs in to the panel with the passkey, its script from this origin; a malformed answer keeps the step', async () => {
    const key = new SoftwareAuthenticator({ origin: ORIGIN });
    const begun = await t
      .as(token)
      .post('/api/me/two-factor/passkey')
      .send({ password: admin.password })
      .expect(200);
    await t
      .as(token)
      .post('/api/me/two-factor/passkey/confirm')
      .send({ response: key.register(begun.body.options) })
      .expect(200);

    const panel = panelClient(t);
    const first = await password(panel);
    // The app was used last, so it is asked first; the passkey is one click away.
    expect(first).toContain('authenticator app');
    expect(first).toContain('Use a passkey instead');
    await choose(panel, 'passkey');
    const step = (await panel.get('/admin/login').expect(200)).text;
    expect(step).toContain('Use your passkey or security key');
    const scripts = [...step.matchAll(/<script src="([^"]+)" defer><\/script>/g)].map(
      (match) => match[1],
    );
    expect(scripts).toEqual([
      expect.stringMatching(/^\/assets\/webauthn\.[0-9a-f]{12}\.js$/),
      expect.stringMatching(/^\/assets\/passkeys\.[0-9a-f]{12}\.js$/),
    ]);
    for (const path of scripts) await t.http.get(path).expect(200);

    await answer(panel, { response: 'not json' });
    const kept = (await panel.get('/admin/login').expect(200)).text;
    expect(kept).toContain('The answer of the passkey was not understood');
    const signedIn = await answer(panel, {
      response: JSON.stringify(key.assert(passkeyOptionsIn(kept))),
    });
    expect(signedIn.headers.location).toBe('/admin');
    await panel.get('/admin/resources/users').expect(200);

    // Used last, the passkey is asked first at the next sign-in.
    const next = panelClient(t);
    expect(await password(next)).toContain('data-passkey-options');
  });
});
