import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { csrfOf, passkeyOptionsIn, passwordAtPages, signedInAtPages } from './support/pages';
import { SoftwareAuthenticator } from './support/software-authenticator';
import { startTestApp, type TestApp } from './support/test-app';
import { createUser } from './support/factories';
import { signInWithApp, userWithMethods } from './support/two-factor';

const ORIGIN = 'https://auth.example.com';

/**
 * Passkeys through the pages over HTTP, a software authenticator in the browser's place: each
 * step is the API's (password first, W1-W5), and a malformed answer is a 4xx page.
 */
describe('Passkeys on the pages, over HTTP (W1-W5, P6, U3)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: ORIGIN });
  });
  afterAll(async () => {
    await t?.close();
  });

  const signedIn = (user: { email: string; password: string }, secret: string) =>
    signedInAtPages(t, user, secret);
  const password = passwordAtPages;

  async function post(browser: TestAgent, from: string, to: string, fields: object) {
    const page = await browser.get(from).expect(200);
    return browser
      .post(to)
      .type('form')
      .send({ _csrf: csrfOf(page.text), ...fields });
  }

  it('U3: the passkey script and its WebAuthn library come from this origin, named by content and cached a year', async () => {
    const page = await t.http.get('/').expect(200);
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    const scripts = [...page.text.matchAll(/<script src="([^"]+)" defer><\/script>/g)].map(
      (match) => match[1],
    );
    // The pages' own script (copy buttons), then the WebAuthn library and the passkey script.
    expect(scripts).toEqual([
      expect.stringMatching(/^\/assets\/pages\.[0-9a-f]{12}\.js$/),
      expect.stringMatching(/^\/assets\/webauthn\.[0-9a-f]{12}\.js$/),
      expect.stringMatching(/^\/assets\/passkeys\.[0-9a-f]{12}\.js$/),
    ]);
    const [, library, script] = await Promise.all(
      scripts.map((path) => t.http.get(path).expect(200)),
    );
    for (const asset of [library, script]) {
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    }
    expect(library.text).toContain('SimpleWebAuthnBrowser');
    expect(script.text).toContain('data-passkey');
    await t.http.get('/assets/passkeys.000000000000.js').expect(404);
    // Without the script the passwordless form stays hidden: nothing a browser cannot do shows.
    expect(page.text).toMatch(/<form method="post" action="\/sign-in\/passwordless"[^>]* hidden>/);
  });

  it('P6/W1: a passkey is added behind the password and named, asked after the password, and removed behind the password; a malformed answer is a 400 page', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const browser = await signedIn(user, secret);
    const key = new SoftwareAuthenticator({ origin: ORIGIN });
    const setup = '/account/security/methods/passkey/setup';

    const wrong = await post(browser, setup, '/account/security/methods/passkey', {
      password: 'not-the-password',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain('That password is not right.');
    await post(browser, setup, '/account/security/methods/passkey', {
      password: user.password,
    }).then((begun) => {
      expect(begun.status).toBe(303);
      expect(begun.headers.location).toBe('/account/security/methods/passkey/confirm');
    });
    const confirm = await browser.get('/account/security/methods/passkey/confirm').expect(200);
    expect(confirm.text).toContain('Passkeys need JavaScript');
    const response = key.register(passkeyOptionsIn(confirm.text));
    const malformed = await post(
      browser,
      '/account/security/methods/passkey/confirm',
      '/account/security/methods/passkey/confirm',
      { response: '{"id": [', name: 'Desk key' },
    );
    expect(malformed.status).toBe(400);
    await post(
      browser,
      '/account/security/methods/passkey/confirm',
      '/account/security/methods/passkey/confirm',
      { response: JSON.stringify(response), name: 'Desk key' },
    ).then((added) => expect(added.status).toBe(303));
    const overview = await browser.get('/account/security').expect(200);
    expect(overview.text).toContain('The passkey Desk key was added.');
    const passkeyId = /\/account\/security\/passkeys\/([0-9a-f-]{36})\/remove/.exec(
      overview.text,
    )![1];

    // After the password, "Use another authentication method" asks the passkey.
    await browser
      .post('/sign-out')
      .type('form')
      .send({ _csrf: csrfOf(overview.text) });
    await password(browser, user);
    const switched = await post(browser, '/sign-in/methods', '/sign-in/method', {
      method: 'passkey',
    });
    expect(switched.status).toBe(303);
    const step = await browser.get('/').expect(200);
    expect(step.text).toContain('Use a passkey');
    expect(step.text).toContain('Use another authentication method');
    const refused = await post(browser, '/', '/sign-in/code', {
      response: JSON.stringify(
        key.assert(passkeyOptionsIn(step.text), { origin: 'https://evil.test' }),
      ),
    });
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('Your passkey was not accepted.');
    await post(browser, '/', '/sign-in/code', {
      response: JSON.stringify(key.assert(passkeyOptionsIn(step.text))),
    }).then((verified) => {
      expect(verified.status).toBe(303);
      expect(verified.headers.location).toBe('/account/security');
    });

    const removeForm = `/account/security/passkeys/${passkeyId}/remove`;
    const notRemoved = await post(browser, removeForm, removeForm, { password: 'wrong-password' });
    expect(notRemoved.status).toBe(403);
    expect((await browser.get('/account/security').expect(200)).text).toContain('Desk key');
    await post(browser, removeForm, removeForm, { password: user.password }).then((removed) =>
      expect(removed.status).toBe(303),
    );
    const after = await browser.get('/account/security').expect(200);
    expect(after.text).toContain('The passkey Desk key was removed.');
    expect(after.text).toContain('No passkeys yet.');
    await browser.get(removeForm).expect(404);
  });

  it('W4: "Sign in with a passkey" signs in with the passkey alone; a malformed or replayed answer is a 4xx page', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const browser = await signedIn(user, secret);
    const key = new SoftwareAuthenticator({ origin: ORIGIN });
    await post(
      browser,
      '/account/security/methods/passkey/setup',
      '/account/security/methods/passkey',
      {
        password: user.password,
      },
    );
    const confirm = await browser.get('/account/security/methods/passkey/confirm').expect(200);
    await post(browser, '/account/security', '/account/security/methods/passkey/confirm', {
      response: JSON.stringify(key.register(passkeyOptionsIn(confirm.text))),
      name: '',
    }).then((added) => expect(added.status).toBe(303));
    expect((await browser.get('/account/security').expect(200)).text).toContain(
      'The passkey Passkey 1 was added.',
    );

    const visitor = request.agent(t.app.getHttpServer());
    const options = (await visitor.post('/api/auth/passkey/options').expect(200)).body.options;
    const answer = JSON.stringify(key.assert(options));
    const malformed = await post(visitor, '/', '/sign-in/passwordless', { response: '[]' });
    expect(malformed.status).toBe(400);
    const signedInAlone = await post(visitor, '/', '/sign-in/passwordless', { response: answer });
    expect(signedInAlone.status).toBe(303);
    expect(signedInAlone.headers.location).toBe('/account/security');
    await visitor.get('/account/security').expect(200);

    const other = request.agent(t.app.getHttpServer());
    const replayed = await post(other, '/', '/sign-in/passwordless', { response: answer });
    expect(replayed.status).toBe(401);
    expect(replayed.text).toContain('This passkey did not sign you in.');
  });

  it('S7: under mandatory 2FA, a user without a method sets up a passkey as the first one at the sign-in, named, and is signed in', async () => {
    const { user: admin, secret } = await userWithMethods(t, ['totp'], { role: 'admin' });
    const adminToken = (await signInWithApp(t, admin, secret)).accessToken;
    await t.as(adminToken).put('/api/admin/policy').send({ twoFactorRequired: true }).expect(200);
    const newcomer = await createUser(t, admin.accountId, 'member');
    const browser = request.agent(t.app.getHttpServer());
    await password(browser, newcomer);
    const setup = await browser.get('/account/security').expect(200);
    expect(setup.text).toContain('Set up two-factor authentication');
    expect(setup.text).toContain('href="/account/security/methods/passkey/setup"');
    const begun = await post(
      browser,
      '/account/security/methods/passkey/setup',
      '/account/security/methods/passkey',
      {},
    );
    expect(begun.status).toBe(303);
    const confirm = await browser.get('/account/security/methods/passkey/confirm').expect(200);
    const key = new SoftwareAuthenticator({ origin: ORIGIN });
    const added = await browser
      .post('/account/security/methods/passkey/confirm')
      .type('form')
      .send({
        _csrf: csrfOf(confirm.text),
        response: JSON.stringify(key.register(passkeyOptionsIn(confirm.text))),
        name: 'Phone',
      });
    expect(added.status).toBe(303);
    const overview = await browser.get('/account/security').expect(200);
    expect(overview.text).toContain('The passkey Phone was added.');
    expect(overview.text).toContain('Sign out everywhere');
  });
});
