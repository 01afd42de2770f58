import { getRepositoryToken } from '@nestjs/typeorm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection } from 'mysql2/promise';
import request from 'supertest';
import { WebSession } from 'src/sessions/web-session.entity';
import { UsersService } from 'src/users/users.service';
import { DataSource, type Repository } from 'typeorm';
import { createAccountWithUser } from './support/factories';
import { totpCode } from './support/independent-totp';
import { serve } from './support/browser';
import { csrfOf, signedInAtPages } from './support/pages';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, signInWithApp, startChallenge, userWithMethods } from './support/two-factor';

describe('Pages for people who sign in, over HTTP (U1, U2, U3)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const signedIn = (user: { email: string; password: string }, secret: string) =>
    signedInAtPages(t, user, secret);

  const sessionCookie = (response: request.Response) =>
    ([] as string[])
      .concat(response.headers['set-cookie'] ?? [])
      .find((cookie) => cookie.startsWith('gk_session='));

  it('U1: the page cookie is HttpOnly, SameSite=Lax, Secure only behind TLS, its id changes at each sign-in step, and its row holds the challenge only sealed', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const browser = request.agent(t.app.getHttpServer());
    const first = await browser.get('/').expect(200);
    const cookie = sessionCookie(first)!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const afterPassword = await browser
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrfOf(first.text), email: user.email, password: user.password })
      .expect(303);
    const second = sessionCookie(afterPassword)!;
    expect(second.split(';')[0]).not.toBe(cookie.split(';')[0]);
    const id = /^gk_session=s%3A([^.]+)\./.exec(second)![1];
    const row = await t.app
      .get<Repository<WebSession>>(getRepositoryToken(WebSession))
      .findOneByOrFail({ id });
    expect(row.data).toContain('"sealedToken"');
    expect(row.data).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    nextTotpStep(t);
    const step = await browser.get('/').expect(200);
    const afterCode = await browser
      .post('/sign-in/code')
      .type('form')
      .send({ _csrf: csrfOf(step.text), code: totpCode(secret, t.clock.now().getTime()) })
      .expect(303);
    expect(sessionCookie(afterCode)!.split(';')[0]).not.toBe(second.split(';')[0]);

    // Behind a TLS proxy, as TRUST_PROXY lets Express tell (one app per process: passport is global).
    t.app.set('trust proxy', 'loopback');
    try {
      const secure = await request(t.app.getHttpServer())
        .get('/')
        .set('X-Forwarded-Proto', 'https')
        .expect(200);
      expect(sessionCookie(secure)).toMatch(/Secure/);
    } finally {
      t.app.set('trust proxy', false);
    }
  });

  it('U1: signing out everywhere at the API ends the page session', async () => {
    const { user, secret, token } = await userWithMethods(t, ['totp']);
    const browser = await signedIn(user, secret);
    await browser.get('/account/security').expect(200);
    await t.as(token).post('/api/auth/logout-all').expect(204);
    await browser.get('/account/security').expect(302).expect('Location', '/');
    const home = await browser.get('/').expect(200);
    expect(home.text).toContain('Your session has ended');
  });

  it('U1/P3: disabling the user ends their page session, and the sign-in answers them as a wrong password', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const browser = await signedIn(user, secret);
    const admin = await userWithMethods(t, ['totp'], { accountId: user.accountId, role: 'admin' });
    const { accessToken } = await signInWithApp(t, admin.user, admin.secret);
    await t.as(accessToken).post(`/api/admin/users/${user.id}/disable`).expect(200);
    await browser.get('/account/security').expect(302).expect('Location', '/');

    const answerTo = async (password: string) => {
      const fresh = request.agent(t.app.getHttpServer());
      const form = await fresh.get('/').expect(200);
      const posted = await fresh
        .post('/sign-in')
        .type('form')
        .send({ _csrf: csrfOf(form.text), email: user.email, password });
      const text = posted.text.replace(/name="_csrf" value="[0-9a-f]+"/g, '');
      return [posted.status, text];
    };
    const right = await answerTo(user.password);
    const wrong = await answerTo('not-the-password');
    expect(right).toEqual(wrong);
    expect(right[0]).toBe(401);
  });

  it('U2: a form without its CSRF token, or with a wrong one, is refused and changes nothing', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const browser = await signedIn(user, secret);
    const page = await browser.get('/account/security/password').expect(200);
    const change = { currentPassword: user.password, newPassword: 'a-new-password-1' };
    for (const token of [undefined, '0'.repeat(64), `${csrfOf(page.text)}0`]) {
      const refused = await browser
        .post('/account/security/password')
        .type('form')
        .send(token === undefined ? change : { ...change, _csrf: token })
        .expect(403);
      expect(refused.text).toContain('This form has expired');
    }
    // The old password still signs in, the new one does not.
    await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: change.newPassword })
      .expect(401);
    const anonymous = request.agent(t.app.getHttpServer());
    await anonymous
      .post('/sign-in')
      .type('form')
      .send({ email: user.email, password: user.password })
      .expect(403);
  });

  it('U2: a code form posted twice (a double click): the refused second post sets no cookie, so the browser stays signed in', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const server = t.app.getHttpServer();
    const first = await request(server).get('/').expect(200);
    const anonymous = sessionCookie(first)!.split(';')[0];
    const afterPassword = await request(server)
      .post('/sign-in')
      .set('Cookie', anonymous)
      .type('form')
      .send({ _csrf: csrfOf(first.text), email: user.email, password: user.password })
      .expect(303);
    const stepCookie = sessionCookie(afterPassword)!.split(';')[0];
    nextTotpStep(t);
    const step = await request(server).get('/').set('Cookie', stepCookie).expect(200);
    const post = () =>
      request(server)
        .post('/sign-in/code')
        .set('Cookie', stepCookie)
        .type('form')
        .send({ _csrf: csrfOf(step.text), code: totpCode(secret, t.clock.now().getTime()) });
    const signedInPost = await post().expect(303).expect('Location', '/account/security');
    const signedInCookie = sessionCookie(signedInPost)!.split(';')[0];
    // The second post names the session the first one rotated away.
    const again = await post().expect(403);
    expect(again.text).toContain('This form has expired');
    expect(sessionCookie(again)).toBeUndefined();
    expect(again.text).not.toContain('name="_csrf"');
    await request(server).get('/account/security').set('Cookie', signedInCookie).expect(200);
  });

  it("U3: every page's CSP allows no inline script and no framing; the stylesheet is cached", async () => {
    const response = await t.http.get('/').expect(200);
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['cache-control']).toBe('no-store');
    const stylesheet = /href="(\/assets\/pages\.[0-9a-f]+\.css)"/.exec(response.text)![1];
    const css = await t.http.get(stylesheet).expect(200);
    expect(css.headers['cache-control']).toContain('max-age=31536000');
    expect(css.headers['content-type']).toMatch(/text\/css/);
  });

  it('U3: what a page prints is escaped: a trusted device named with markup shows as text', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const name = '<img src=x onerror=alert(1)> & "quoted"';
    const { challengeToken } = await startChallenge(t, user);
    await t.http
      .post('/api/auth/two-factor/verify')
      .send({
        challengeToken,
        code: totpCode(secret, t.clock.now().getTime()),
        rememberDevice: true,
        deviceName: name,
      })
      .expect(200);
    const browser = await signedIn(user, secret);
    const page = await browser.get('/account/security').expect(200);
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain(
      '&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; &quot;quoted&quot;',
    );
  });

  it("mails in the user's language: a sign-in on the French pages mails the code in French, and the API's next ones stay French", async () => {
    const { user, address } = await userWithMethods(t, ['email']);
    const browser = request.agent(t.app.getHttpServer());
    const form = await browser.get('/').set('Accept-Language', 'fr-FR,fr;q=0.9').expect(200);
    expect(form.text).toContain('<html lang="fr">');
    await browser
      .post('/sign-in')
      .set('Accept-Language', 'fr-FR,fr;q=0.9')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: user.email, password: user.password })
      .expect(303);
    const french = t.mail.messages.findLast((mail) => mail.to.includes(address))!;
    expect(french.subject).toBe('Gatekeeper: votre code de connexion');
    expect(french.text).toContain('Votre code de connexion est');
    expect(french.raw).toMatch(/<html lang=(3D)?"fr">/);

    // Stored on the user: an API sign-in that names no language mails in French too.
    t.clock.advance(61_000);
    await startChallenge(t, user);
    expect(t.mail.messages.at(-1)!.subject).toBe('Gatekeeper: votre code de connexion');
  });

  it("mails in the user's language: the API login's Accept-Language sets it, a language we lack changes nothing", async () => {
    const { user, address } = await userWithMethods(t, ['email']);
    const login = async (acceptLanguage?: string) => {
      t.clock.advance(61_000);
      const call = t.http.post('/api/auth/login');
      if (acceptLanguage) void call.set('Accept-Language', acceptLanguage);
      await call.send({ email: user.email, password: user.password }).expect(200);
      return t.mail.messages.findLast((mail) => mail.to.includes(address))!.subject;
    };
    expect(await login()).toBe('Gatekeeper: your sign-in code');
    expect(await login('fr-CA, fr;q=0.9, en;q=0.5')).toBe('Gatekeeper: votre code de connexion');
    expect(await login('de-DE')).toBe('Gatekeeper: votre code de connexion');
    expect(await login('en-GB')).toBe('Gatekeeper: your sign-in code');
  });

  it("mails in the user's language: the pages' language switch sets a signed-in user's", async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const browser = await signedIn(user, secret);
    const page = await browser.get('/account/security').expect(200);
    await browser
      .post('/language')
      .type('form')
      .send({ _csrf: csrfOf(page.text), language: 'fr', back: '/account/security' })
      .expect(303);
    expect((await t.app.get(UsersService).findById(user.id))!.locale).toBe('fr');
  });

  (process.env.E2E_DATABASE_URL ? it : it.skip)(
    'U1: a redirect is sent only once the session holds what its request changed, so the page it leads to reads it (MariaDB)',
    async () => {
      const base = await serve(t);
      const first = await fetch(`${base}/`);
      const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0];
      const sessionId = /^gk_session=s%3A([^.]+)\./.exec(cookie)?.[1];
      expect(sessionId).toEqual(expect.any(String));
      // Another connection holds the session's row: the switch's save waits until it lets go.
      const lock = await createConnection(t.config.database.url);
      await lock.query('START TRANSACTION');
      await lock.query('SELECT id FROM panel_sessions WHERE id = ? FOR UPDATE', [sessionId]);
      const form = new URLSearchParams({ _csrf: csrfOf(await first.text()), language: 'fr' });
      const answer = new Promise<IncomingMessage>((resolve, reject) =>
        httpRequest(
          `${base}/language`,
          {
            method: 'POST',
            headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          },
          resolve,
        )
          .on('error', reject)
          .end(form.toString()),
      );
      const early = await Promise.race([
        answer.then(() => 'redirect sent'),
        sleep(1500).then(() => 'waiting for the save'),
      ]);
      await lock.query('ROLLBACK');
      await lock.end();
      expect(early).toBe('waiting for the save');
      expect((await answer).statusCode).toBe(303);
      const next = await fetch(`${base}/`, { headers: { cookie } });
      expect(await next.text()).toContain('<html lang="fr"');
    },
  );

  it("A6: a form's address opened with GET (a reload after a refusal) leads to its page and does nothing; an unknown page is the pages' 404", async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const visitor = request.agent(t.app.getHttpServer());
    for (const path of ['/sign-in', '/sign-in/code', '/sign-in/resend', '/sign-out', '/language']) {
      await visitor.get(path).expect(303).expect('Location', '/');
    }
    const browser = await signedIn(user, secret);
    await browser.get('/sign-out').expect(303).expect('Location', '/');
    await browser.get('/').expect(302).expect('Location', '/account/security');
    for (const path of ['methods/email', 'recovery-codes/saved', 'sign-out-everywhere']) {
      await browser
        .get(`/account/security/${path}`)
        .expect(303)
        .expect('Location', '/account/security');
    }
    // Still signed in: neither sign-out ran.
    await browser.get('/account/security').expect(200);
    const unknown = await browser.get('/account/security/no-such-page').expect(404);
    expect(unknown.headers['content-type']).toMatch(/^text\/html/);
    expect(unknown.text).toContain('<html');
  });

  it('I5: what a browser meets before any page route (an unknown address, a body refused by the parsers) is a page in its language, with the pages’ CSP and no form; API clients and /api keep JSON', async () => {
    const asBrowser = (call: request.Test) =>
      call
        .set('Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
        .set('Accept-Language', 'fr-FR,fr;q=0.9');
    const pageOf = (answer: request.Response) => ({
      type: answer.headers['content-type'],
      csp: answer.headers['content-security-policy'],
      language: /<html lang="(\w+)">/.exec(answer.text)?.[1],
      forms: (answer.text.match(/<form/g) ?? []).length,
    });
    const page = {
      type: expect.stringMatching(/^text\/html/),
      csp: expect.stringContaining("default-src 'none'"),
      language: 'fr',
      forms: 0,
    };

    const unknown = await asBrowser(t.http.get('/account')).expect(404);
    expect(pageOf(unknown)).toEqual(page);
    expect(unknown.text).toContain('Cette page n&#x27;existe pas.');
    const unreadable = await asBrowser(t.http.post('/sign-in'))
      .set('Content-Type', 'application/json')
      .send('{"email":')
      .expect(400);
    expect(pageOf(unreadable)).toEqual(page);

    const json = (answer: request.Response) => [answer.status, answer.body.code as string];
    expect(json(await t.http.get('/account'))).toEqual([404, 'NOT_FOUND']);
    expect(json(await asBrowser(t.http.get('/api/nowhere')))).toEqual([404, 'NOT_FOUND']);
  });

  it('I5: bad input to a page answers a 4xx page, never a 5xx, and the API keeps its prefix', async () => {
    const browser = request.agent(t.app.getHttpServer());
    const token = csrfOf((await browser.get('/').expect(200)).text);
    const refused = await browser
      .post('/sign-in')
      .type('form')
      .send({ _csrf: token, email: 'not-an-email', password: 'x', extra: '1' })
      .expect(400);
    expect(refused.headers['content-type']).toMatch(/text\/html/);
    await browser.get('/account/security/devices/not-a-uuid/remove').expect(400);
    await t.http.get('/api/health').expect(200);
  });

  describe('one user through the pages and the API at once', () => {
    /** A browser past the password, at the code step. */
    async function atCodeStep(user: { email: string; password: string }) {
      const browser = request.agent(t.app.getHttpServer());
      const form = await browser.get('/').expect(200);
      await browser
        .post('/sign-in')
        .type('form')
        .send({ _csrf: csrfOf(form.text), email: user.email, password: user.password })
        .expect(303);
      const step = await browser.get('/').expect(200);
      const sendCode = async (code: string) =>
        browser
          .post('/sign-in/code')
          .type('form')
          .send({ _csrf: csrfOf((await browser.get('/')).text), code });
      return { browser, step, sendCode };
    }
    const apiVerify = (challengeToken: string, code: string) =>
      t.http.post('/api/auth/two-factor/verify').send({ challengeToken, code });

    it('T5: a TOTP code accepted by the API is a replay at the pages (and the reverse), and opens nothing', async () => {
      const { user, secret } = await userWithMethods(t, ['totp']);
      nextTotpStep(t);
      const code = totpCode(secret, t.clock.now().getTime());
      const { challengeToken } = await startChallenge(t, user);
      await apiVerify(challengeToken, code).expect(200);
      const pages = await atCodeStep(user);
      const refused = await pages.sendCode(code);
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.text).toContain('That code was used already. Wait for the next one');
      await pages.browser.get('/account/security').expect(302).expect('Location', '/');

      nextTotpStep(t);
      const next = totpCode(secret, t.clock.now().getTime());
      const again = await atCodeStep(user);
      expect((await again.sendCode(next)).status).toBe(303);
      await again.browser.get('/account/security').expect(200);
      const late = await startChallenge(t, user);
      const replayed = await apiVerify(late.challengeToken, next).expect(401);
      expect(replayed.body.code).toBe('CODE_ALREADY_USED');
    });

    it('B2: wrong codes at the pages and at the API fill one lockout, which then refuses the right code at both', async () => {
      const { user, secret } = await userWithMethods(t, ['totp']);
      nextTotpStep(t);
      const right = totpCode(secret, t.clock.now().getTime());
      const wrong = right === '000000' ? '111111' : '000000';
      // Four wrong at the API, four at the pages (each below a challenge's five), two at the API.
      const first = await startChallenge(t, user);
      for (let i = 0; i < 4; i++) await apiVerify(first.challengeToken, wrong).expect(401);
      const pages = await atCodeStep(user);
      for (let i = 0; i < 4; i++) {
        expect((await pages.sendCode(wrong)).text).toContain('That code is not right');
      }
      const second = await startChallenge(t, user);
      await apiVerify(second.challengeToken, wrong).expect(401);
      await apiVerify(second.challengeToken, wrong).expect(429);

      const third = await startChallenge(t, user);
      await apiVerify(third.challengeToken, right).expect(429);
      const locked = await atCodeStep(user);
      const refused = await locked.sendCode(right);
      expect(refused.status).toBe(429);
      expect(refused.text).toContain('Two-factor sign-in is locked until');
      await locked.browser.get('/account/security').expect(302);
    });
  });

  it('I4, I5: a passkey answer holding a prototype key (`constructor`, `__proto__`) is a 400 page, never a 500, and adds no passkey', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const browser = await signedIn(user, secret);
    const setup = await browser.get('/account/security/methods/passkey/setup').expect(200);
    await browser
      .post('/account/security/methods/passkey')
      .type('form')
      .send({ _csrf: csrfOf(setup.text), password: user.password })
      .expect(303);
    const confirm = await browser.get('/account/security/methods/passkey/confirm').expect(200);
    const anonymous = request.agent(t.app.getHttpServer());
    for (const answer of ['{"id":"x","constructor":1}', '{"response":{"__proto__":{"a":1}}}']) {
      const home = await anonymous.get('/').expect(200);
      const added = await browser
        .post('/account/security/methods/passkey/confirm')
        .type('form')
        .send({ _csrf: csrfOf(confirm.text), response: answer });
      expect(added.status).toBe(400);
      expect(added.headers['content-type']).toMatch(/text\/html/);
      const signIn = await anonymous
        .post('/sign-in/passwordless')
        .type('form')
        .send({ _csrf: csrfOf(home.text), response: answer });
      expect(signIn.status).toBe(400);
    }
    const passkeys = await t.app
      .get(DataSource)
      .query<unknown[]>('SELECT id FROM passkey_credentials WHERE userId = ?', [user.id]);
    expect(passkeys).toEqual([]);
    expect(t.logs.lines.filter((line) => line.startsWith('error'))).toEqual([]);
  });

  it('I3, R1: new recovery codes refused to a user without a method write nothing, not even the user row', async () => {
    const user = await createAccountWithUser(t, 'member');
    const browser = request.agent(t.app.getHttpServer());
    const form = await browser.get('/').expect(200);
    await browser
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: user.email, password: user.password })
      .expect(303)
      .expect('Location', '/account/security');
    const page = await browser.get('/account/security/recovery-codes').expect(200);
    // A time the request cannot produce, so any write to the row shows.
    const dataSource = t.app.get(DataSource);
    await dataSource.query(`UPDATE users SET updatedAt = '2000-01-01 00:00:00' WHERE id = ?`, [
      user.id,
    ]);
    const before = await dataSource.query(`SELECT * FROM users WHERE id = ?`, [user.id]);
    const refused = await browser
      .post('/account/security/recovery-codes')
      .type('form')
      .send({ _csrf: csrfOf(page.text), password: user.password })
      .expect(409);
    expect(refused.text).toContain('That method is not available for your account.');
    expect(await dataSource.query(`SELECT * FROM users WHERE id = ?`, [user.id])).toEqual(before);
  });

  it('I4, I5: a body whose Content-Encoding does not decompress (gzip, deflate, br) is a 400, never a 500, and signs no one in', async () => {
    const { user } = await userWithMethods(t, ['totp']);
    const browser = request.agent(t.app.getHttpServer());
    const token = csrfOf((await browser.get('/').expect(200)).text);
    const form = `_csrf=${token}&email=${encodeURIComponent(user.email)}&password=${user.password}`;
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const refused = await browser
        .post('/sign-in')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .set('Content-Encoding', encoding)
        .send(form);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      const api = await t.http
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send(JSON.stringify({ email: user.email, password: user.password }));
      expect(api.status).toBe(400);
    }
    // Still at the password: nothing moved on.
    expect((await browser.get('/').expect(200)).text).toContain('name="password"');
    expect(t.logs.lines.filter((line) => line.startsWith('error'))).toEqual([]);
  });
});

describe('Pages with a brand from configuration (BRAND_*)', () => {
  let t: TestApp;
  // A 1×1 PNG, as an operator's logo file.
  const logo = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
    'base64',
  );

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatekeeper-brand-'));
    writeFileSync(join(dir, 'acme.png'), logo);
    t = await startTestApp({
      BRAND_NAME: 'Acme <Sign-in>',
      BRAND_LOGO_FILE: join(dir, 'acme.png'),
      BRAND_PRIMARY_COLOR: '#0A7D32',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("shows the name in the title and as the logo's alt text, serves the logo and favicon, and colours the stylesheet", async () => {
    const page = await t.http.get('/').expect(200);
    expect(page.text).toContain('<title>Sign in · Acme &lt;Sign-in&gt;</title>');
    const [, logoPath] =
      /<img src="(\/assets\/logo\.[0-9a-f]{12}\.png)" alt="Acme &lt;Sign-in&gt;"/.exec(page.text)!;
    const served = await t.http.get(logoPath).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toContain('immutable');
    expect(served.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(served.body as Buffer).equals(logo)).toBe(true);
    expect(page.text).toContain(`<link rel="icon" href="${logoPath}">`);

    const [, stylesheet] = /href="(\/assets\/pages\.[0-9a-f]+\.css)"/.exec(page.text)!;
    const css = await t.http.get(stylesheet).expect(200);
    expect(css.text).toContain('--primary: #0a7d32;');
    expect(css.text).not.toContain('#1f3fbf');
    await t.http.get('/assets/logo.000000000000.png').expect(404);
  });

  it('the mails carry the brand name', async () => {
    const { user } = await userWithMethods(t, ['email']);
    const { mail } = t;
    const before = mail.messages.length;
    await startChallenge(t, user);
    expect(mail.messages.length).toBe(before + 1);
    expect(mail.messages.at(-1)!.subject).toMatch(/^Acme <Sign-in>: /);
  });
});
