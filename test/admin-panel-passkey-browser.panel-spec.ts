import type { Browser, Page } from 'playwright-core';
import {
  addVirtualAuthenticator,
  launchChromium,
  localhostOrigin,
  LOCALHOST_RESOLVES_TO_LOOPBACK,
  openPage,
} from './support/browser';
import { totpCode } from './support/independent-totp';
import { startPanelApp, userWithApp } from './support/panel';
import type { TestApp } from './support/test-app';
import { nextTotpStep } from './support/two-factor';

/**
 * An administrator enters the panel with a passkey as the second factor, in Debian's Chromium
 * with the DevTools virtual authenticator; the passkey was added on the pages.
 */
describe('AdminJS panel sign-in with a passkey, in a real browser (P4, W2)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    const { port, base: origin } = await localhostOrigin();
    base = origin;
    t = await startPanelApp({ PUBLIC_URL: base });
    await t.app.listen(port, '127.0.0.1');
    browser = await launchChromium([LOCALHOST_RESOLVES_TO_LOOPBACK]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function click(page: Page, role: 'button' | 'link', name: string, url: string | RegExp) {
    await Promise.all([page.waitForURL(url), page.getByRole(role, { name, exact: true }).click()]);
  }

  it('adds a passkey on the pages, then passes the panel’s second step with it', async () => {
    const admin = await userWithApp(t, 'admin');
    // Offline, AdminJS's request for the Roboto font fails harmlessly.
    const page = await openPage(browser, { width: 1280, height: 800 }, cspViolations, /fonts\./);
    await addVirtualAuthenticator(page);

    await page.goto(`${base}/`);
    await page.fill('#email', admin.email);
    await page.fill('#password', admin.password);
    await click(page, 'button', 'Sign in', `${base}/`);
    nextTotpStep(t);
    await page.fill('#code', totpCode(admin.secret, t.clock.now().getTime()));
    await click(page, 'button', 'Verify', '**/account/security');
    await click(page, 'link', 'Add a passkey', '**/methods/passkey/setup');
    await page.fill('#password', admin.password);
    await click(page, 'button', 'Continue', '**/methods/passkey/confirm');
    await click(page, 'button', 'Create the passkey', '**/account/security');
    await page.getByText(/The passkey .* was added\./).waitFor();

    await page.goto(`${base}/admin/login`);
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', admin.password);
    await click(page, 'button', 'Continue', '**/admin/login');
    await click(page, 'button', 'Use a passkey instead', '**/admin/login');
    await Promise.all([
      page.waitForURL('**/admin'),
      page.getByRole('button', { name: 'Use a passkey', exact: true }).click(),
    ]);
    await page.getByTestId('dashboard').waitFor();
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
