import type { Browser, Page } from 'playwright-core';
import {
  addVirtualAuthenticator,
  expectAccessible,
  launchChromium,
  localhostOrigin,
  LOCALHOST_RESOLVES_TO_LOOPBACK,
  openPage,
} from './support/browser';
import { totpCode } from './support/independent-totp';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, userWithMethods } from './support/two-factor';

/**
 * Passkeys on the pages in Debian's Chromium, with the DevTools virtual authenticator (a
 * platform authenticator that keeps discoverable credentials and verifies the user): added on
 * the security page, renamed, used after the password, used alone, removed.
 */
describe('Passkeys on the pages, in a real browser (W1-W5, U3)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const cspViolations: string[] = [];
  const serverErrors: string[] = [];

  beforeAll(async () => {
    const { port, base: origin } = await localhostOrigin();
    base = origin;
    t = await startTestApp({ PUBLIC_URL: base });
    await t.app.listen(port, '127.0.0.1');
    browser = await launchChromium([LOCALHOST_RESOLVES_TO_LOOPBACK]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(): Promise<Page> {
    const page = await openPage(browser, { width: 1024, height: 768 }, cspViolations);
    page.on('response', (response) => {
      if (response.status() >= 500) serverErrors.push(`${response.status()} ${response.url()}`);
    });
    await addVirtualAuthenticator(page);
    return page;
  }

  const accessible = expectAccessible;

  async function click(page: Page, role: 'button' | 'link', name: string, url: string | RegExp) {
    await Promise.all([page.waitForURL(url), page.getByRole(role, { name, exact: true }).click()]);
  }

  async function password(page: Page, user: { email: string; password: string }) {
    await page.goto(`${base}/`);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await click(page, 'button', 'Sign in', `${base}/`);
  }

  it('adds a passkey behind the password, renames it, signs in with password and passkey, then with the passkey alone, and removes it; every screen passes axe', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    const page = await newPage();

    await password(page, user);
    nextTotpStep(t);
    await page.fill('#code', totpCode(secret, t.clock.now().getTime()));
    await click(page, 'button', 'Verify', '**/account/security');

    // Add: the password first, then the browser's ceremony with a name for the passkey.
    await click(page, 'link', 'Add a passkey', '**/methods/passkey/setup');
    await accessible(page);
    await page.fill('#password', user.password);
    await click(page, 'button', 'Continue', '**/methods/passkey/confirm');
    await page.getByRole('button', { name: 'Create the passkey' }).waitFor();
    await accessible(page, 'passkey-add');
    await page.fill('#name', 'Work laptop');
    await click(page, 'button', 'Create the passkey', '**/account/security');
    await page.getByText('The passkey Work laptop was added.').waitFor();
    await accessible(page);

    // Rename, without the password.
    await click(page, 'link', 'Rename: Work laptop', /passkeys\/[0-9a-f-]+\/rename$/);
    await accessible(page);
    await page.fill('#name', 'Office laptop');
    await click(page, 'button', 'Save the name', '**/account/security');
    await page.getByText('The passkey is now named Office laptop.').waitFor();
    const listed = page.locator('section[aria-labelledby="passkeys"] li');
    await expect(listed.textContent()).resolves.toMatch(/Office laptop.*Added .*never used/s);
    await accessible(page, 'passkeys');
    // The same list in French passes axe too; then back to English for the rest.
    await page.selectOption('#language', 'fr');
    await click(page, 'button', 'Change language', '**/account/security');
    await page.getByRole('heading', { name: "Clés d'accès" }).waitFor();
    await accessible(page);
    await page.selectOption('#language', 'en');
    await click(page, 'button', 'Changer de langue', '**/account/security');

    // Password, then the passkey through "Use another authentication method" (the app was last).
    await click(page, 'button', 'Sign out', `${base}/`);
    await password(page, user);
    await page.waitForSelector('#code');
    await click(page, 'link', 'Use another authentication method', '**/sign-in/methods');
    await accessible(page);
    await click(page, 'button', 'Passkey or security key', `${base}/`);
    await page.getByRole('button', { name: 'Use a passkey' }).waitFor();
    await accessible(page, 'passkey-step');
    await click(page, 'button', 'Use a passkey', '**/account/security');
    await expect(listed.textContent()).resolves.toMatch(/last used/);

    // The passkey was used last: the next sign-in asks for it first.
    await click(page, 'button', 'Sign out', `${base}/`);
    await password(page, user);
    await click(page, 'button', 'Use a passkey', '**/account/security');

    // Passwordless: the discoverable passkey alone, user verified.
    await click(page, 'button', 'Sign out', `${base}/`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await accessible(page, 'passkey-sign-in');
    await click(page, 'button', 'Sign in with a passkey', '**/account/security');

    // Remove: "Yes, remove" behind the password.
    await click(page, 'link', 'Remove: Office laptop', /passkeys\/[0-9a-f-]+\/remove$/);
    await accessible(page);
    await page.fill('#password', user.password);
    await click(page, 'button', 'Yes, remove', '**/account/security');
    await page.getByText('The passkey Office laptop was removed.').waitFor();
    await page.getByText('No passkeys yet.').waitFor();
    await accessible(page);

    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    expect(cspViolations).toEqual([]);
    expect(serverErrors).toEqual([]);
  }, 180_000);
});
