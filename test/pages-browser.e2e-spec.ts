import { LIMITS } from 'src/config/limits';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expectAccessible, launchChromium, openPage, serve } from './support/browser';
import { totpCode } from './support/independent-totp';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, startChallenge, userWithMethods } from './support/two-factor';

describe('Pages for people who sign in, in a real browser (U1, U2, U3)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const cspViolations: string[] = [];
  const serverErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    base = await serve(t);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await openPage(
      browser,
      { width: 1024, height: 768 },
      cspViolations,
      undefined,
      options,
    );
    page.on('response', (response) => {
      if (response.status() >= 500) serverErrors.push(`${response.status()} ${response.url()}`);
    });
    return page;
  }

  /** The screen in front of the user passes axe-core's WCAG 2.2 AA rules (and is kept). */
  const accessible = expectAccessible;

  async function submit(page: Page, name: string) {
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name, exact: true }).click(),
    ]);
  }

  async function password(
    page: Page,
    user: { email: string; password: string },
    button = 'Sign in',
  ) {
    await page.goto(`${base}/`);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await Promise.all([page.waitForURL(`${base}/`), submit(page, button)]);
    await page.waitForSelector('#code');
  }

  /** A 6-digit code the user's app does not show now (nor in the steps around). */
  function wrongCode(secret: string): string {
    const now = t.clock.now().getTime();
    const near = [-30_000, 0, 30_000].map((offset) => totpCode(secret, now + offset));
    return ['000000', '111111', '222222', '333333'].find((code) => !near.includes(code))!;
  }

  // CI runs this story alone on MariaDB as well (.ci/run: --testNamePattern 'sign-in story').
  it('the sign-in story: password, a wrong code refused, the app code signs in, sign out', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const page = await newPage();
    await password(page, user);
    await page.fill('#code', wrongCode(secret));
    await submit(page, 'Verify');
    await page.waitForSelector('text=That code is not right');
    expect(await page.getAttribute('#code', 'aria-invalid')).toBe('true');
    nextTotpStep(t);
    await page.fill('#code', totpCode(secret, t.clock.now().getTime()));
    await Promise.all([page.waitForURL('**/account/security'), submit(page, 'Verify')]);
    await Promise.all([page.waitForURL(`${base}/`), submit(page, 'Sign out')]);
    await page.waitForSelector('text=You are signed out.');
    expect(cspViolations).toEqual([]);
    expect(serverErrors).toEqual([]);
  }, 60_000);

  it('U1/U2/U3: password and app code, email codes turned on, another method with a trusted device, the device removed, recovery codes shown once; every screen passes axe', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const address = `elsewhere-${user.id.slice(0, 8)}@example.net`;
    const page = await newPage();

    // (a) Password, then a real TOTP code.
    await page.goto(`${base}/`);
    await accessible(page, 'sign-in');
    await password(page, user);
    await accessible(page, 'code');
    nextTotpStep(t);
    await page.fill('#code', totpCode(secret, t.clock.now().getTime()));
    await Promise.all([page.waitForURL('**/account/security'), submit(page, 'Verify')]);
    await accessible(page, 'security');

    // (b) Email codes at another address, behind the password prompt.
    await Promise.all([
      page.waitForURL(/methods\/email\/setup/),
      page.getByRole('switch', { name: 'Turn on Email authentication' }).click(),
    ]);
    await accessible(page);
    await page.fill('#password', user.password);
    await page.fill('#email', address);
    await Promise.all([
      page.waitForURL('**/methods/email/confirm'),
      submit(page, 'Send me a verification code'),
    ]);
    await accessible(page);
    await page.fill('#code', t.mail.latestCodeFor(address));
    await Promise.all([page.waitForURL('**/account/security'), submit(page, 'Confirm')]);
    await page.waitForSelector(`text=${address}`);
    await accessible(page);

    await Promise.all([page.waitForURL(`${base}/`), submit(page, 'Sign out')]);
    await password(page, user);
    await Promise.all([
      page.waitForURL('**/sign-in/methods'),
      page.getByRole('link', { name: 'Use another authentication method' }).click(),
    ]);
    await accessible(page);
    const mailsBefore = t.mail.messages.length;
    await Promise.all([page.waitForURL(`${base}/`), submit(page, 'Email authentication')]);
    await page.waitForSelector('#code');
    await accessible(page);
    expect(t.mail.messages.length).toBe(mailsBefore + 1);
    await page.fill('#code', t.mail.latestCodeFor(address));
    await page.getByLabel("Don't ask me again on this device").check();
    await Promise.all([page.waitForURL('**/account/security'), submit(page, 'Verify')]);
    await page.waitForSelector('text=This device');

    // (c) The trusted device removed.
    await Promise.all([
      page.waitForURL('**/devices/*/remove'),
      page.getByRole('link', { name: /^Remove this device/ }).click(),
    ]);
    await accessible(page);
    await Promise.all([page.waitForURL('**/account/security'), submit(page, 'Yes, remove')]);
    expect(await page.getByRole('link', { name: /^Remove this device/ }).count()).toBe(0);
    await accessible(page);

    // A new authenticator app: the QR code and its confirmation.
    await page.goto(`${base}/account/security/methods/totp/setup`);
    await page.fill('#password', user.password);
    await Promise.all([page.waitForURL('**/methods/totp/confirm'), submit(page, 'Continue')]);
    await page.waitForSelector('img.qr');
    await accessible(page, 'app-setup');
    await page.click('summary');
    const newSecret = (await page.textContent('code.key'))!.replace(/\s/g, '');
    nextTotpStep(t);
    await page.fill('#code', totpCode(newSecret, t.clock.now().getTime()));
    await Promise.all([page.waitForURL('**/account/security'), submit(page, 'Confirm')]);

    // (d) Recovery codes: shown once.
    await page.goto(`${base}/account/security/recovery-codes`);
    await accessible(page);
    await page.fill('#password', user.password);
    await Promise.all([
      page.waitForURL('**/recovery-codes'),
      submit(page, 'Get new recovery codes'),
    ]);
    const codes = await page.locator('ol.codes code').allTextContents();
    expect(codes.length).toBeGreaterThanOrEqual(8);
    await accessible(page, 'recovery-codes');
    await Promise.all([page.waitForURL('**/account/security'), submit(page, 'I have saved them')]);
    await page.goto(`${base}/account/security/recovery-codes`);
    expect(await page.locator('ol.codes').count()).toBe(0);
    const download = await page.request.get(`${base}/account/security/recovery-codes.txt`);
    expect(download.status()).toBe(404);
    for (const code of codes) expect(await page.content()).not.toContain(code);

    // U3: the session is the server's; nothing is left in web storage.
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    expect(cspViolations).toEqual([]);
    expect(serverErrors).toEqual([]);
  }, 180_000);

  it('French pages and the error screens pass axe: wrong password, CSRF refusal, wrong code, expired sign-in, lockout with its end, an unknown address', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const page = await newPage();

    // The language switch at the bottom of the page.
    await page.goto(`${base}/`);
    await page.selectOption('#language', 'fr');
    await Promise.all([page.waitForURL(`${base}/`), submit(page, 'Change language')]);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await accessible(page);

    await page.fill('#email', user.email);
    await page.fill('#password', 'not-the-password');
    await submit(page, 'Se connecter');
    await page.waitForSelector('text=Le courriel ou le mot de passe est incorrect.');
    await accessible(page);

    await password(page, user, 'Se connecter');
    await accessible(page);

    // A form whose CSRF token is not this session's: the 403 page, nothing done.
    await page.locator('form[action="/sign-in/code"] input[name="_csrf"]').evaluate((input) => {
      (input as HTMLInputElement).value = '0'.repeat(64);
    });
    await page.fill('#code', totpCode(secret, t.clock.now().getTime()));
    const refused = page.waitForResponse((response) => response.request().method() === 'POST');
    await submit(page, 'Vérifier');
    expect((await refused).status()).toBe(403);
    await page.waitForSelector('text=Ce formulaire a expiré.');
    await accessible(page, 'csrf-refused');

    await page.goto(`${base}/`);
    await page.fill('#code', wrongCode(secret));
    await submit(page, 'Vérifier');
    await page.waitForSelector("text=Ce code n'est pas le bon.");
    await accessible(page, 'wrong-code');

    t.clock.advance(11 * 60_000);
    await page.fill('#code', totpCode(secret, t.clock.now().getTime()));
    await submit(page, 'Vérifier');
    await page.waitForSelector('text=Cette connexion a expiré. Reconnectez-vous.');
    await accessible(page);

    // B2: wrong codes through the API bring the user one short of the lockout (1 was above) ...
    for (let failures = 1; failures < LIMITS.secondFactorFailures.max - 1;) {
      const { challengeToken } = await startChallenge(t, user);
      for (let n = 0; n < LIMITS.challenge.maxFailures - 1; n++, failures++) {
        if (failures === LIMITS.secondFactorFailures.max - 1) break;
        await t.http
          .post('/api/auth/two-factor/verify')
          .send({ challengeToken, code: wrongCode(secret) })
          .expect(401);
      }
    }
    // ... and the page's wrong code locks it, saying until when.
    await password(page, user, 'Se connecter');
    await page.fill('#code', wrongCode(secret));
    await submit(page, 'Vérifier');
    const locked = await page.waitForSelector('text=/bloquée jusqu.à/');
    const until = new Date(t.clock.now().getTime() + LIMITS.secondFactorFailures.windowMs);
    expect(await locked.textContent()).toContain(
      new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' }).format(until),
    );
    await accessible(page, 'locked');

    // An address no page route takes: still the pages' 404, under their CSP, in the browser's language.
    const missing = await page.goto(`${base}/account`);
    expect(missing?.status()).toBe(404);
    expect(await page.textContent('#form-error')).toBe('This page does not exist.');
    await accessible(page, 'not-found');
    expect(cspViolations).toEqual([]);
    expect(serverErrors).toEqual([]);
  }, 120_000);

  it('French pages signed in, from Accept-Language: security, app setup with its copy button, recovery codes with copy and print; each passes axe', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const page = await newPage({
      locale: 'fr-FR',
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await password(page, user, 'Se connecter');
    nextTotpStep(t);
    await page.fill('#code', totpCode(secret, t.clock.now().getTime()));
    await Promise.all([page.waitForURL('**/account/security'), submit(page, 'Vérifier')]);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await accessible(page);

    await page.goto(`${base}/account/security/methods/totp/setup`);
    await page.fill('#password', user.password);
    await Promise.all([page.waitForURL('**/methods/totp/confirm'), submit(page, 'Continuer')]);
    expect(await page.locator('ul.apps li').allTextContents()).toContain('Google Authenticator');
    await page.click('summary');
    await page.getByRole('button', { name: 'Copier la clé' }).click();
    await page.waitForSelector('#copy-status:has-text("Copié")');
    const key = (await page.textContent('code.key'))!;
    expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key.replace(/ /g, ''));
    await accessible(page);

    await page.goto(`${base}/account/security/recovery-codes`);
    await page.fill('#password', user.password);
    await submit(page, 'Obtenir de nouveaux codes de récupération');
    const codes = await page.locator('ol.codes code').allTextContents();
    await page.getByRole('button', { name: 'Copier les codes' }).click();
    await page.waitForSelector('#copy-status:has-text("Copié")');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));
    await expect(
      page.getByRole('button', { name: 'Imprimer les codes' }).isVisible(),
    ).resolves.toBe(true);
    await accessible(page);
    expect(cspViolations).toEqual([]);
    expect(serverErrors).toEqual([]);
  }, 120_000);

  it('without JavaScript the copy and print buttons stay hidden, and the page still works', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const page = await newPage({ javaScriptEnabled: false });
    await password(page, user);
    nextTotpStep(t);
    await page.fill('#code', totpCode(secret, t.clock.now().getTime()));
    await Promise.all([page.waitForURL('**/account/security'), submit(page, 'Verify')]);
    await page.goto(`${base}/account/security/recovery-codes`);
    await page.fill('#password', user.password);
    await submit(page, 'Get new recovery codes');
    await page.waitForSelector('ol.codes');
    expect(await page.getByRole('button', { name: 'Copy the codes' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Print the codes' }).count()).toBe(0);
    await expect(
      page.getByRole('link', { name: 'Download as a text file' }).isVisible(),
    ).resolves.toBe(true);
  }, 60_000);
});
