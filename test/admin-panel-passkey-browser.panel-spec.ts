import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import {
  addVirtualAuthenticator,
  launchChromium,
  localhostOrigin,
  LOCALHOST_RESOLVES_TO_LOOPBACK,
  openPage,
} from './support/browser';
import { totpCode } from './support/independent-totp';
import { startPanelApp, userWithApp, type UserWithApp } from './support/panel';
import { platformRoles, REASON, TICKET } from './support/support-staff';
import type { TestApp } from './support/test-app';
import { nextTotpStep } from './support/two-factor';

/**
 * An administrator enters the panel with a passkey as the second factor, and support staff give
 * it again at the desk, in Debian's Chromium with the DevTools virtual authenticator; the passkey
 * was added on the pages.
 */
describe('AdminJS panel with a passkey, in a real browser (P4, W2, H2)', () => {
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

  /** A browser with a virtual authenticator, in which `user` added a passkey on the pages. */
  async function withPasskeyAddedOnPages(user: UserWithApp): Promise<Page> {
    // Offline, AdminJS's request for the Roboto font fails harmlessly.
    const page = await openPage(browser, { width: 1280, height: 800 }, cspViolations, /fonts\./);
    await addVirtualAuthenticator(page);
    await page.goto(`${base}/`);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await click(page, 'button', 'Sign in', `${base}/`);
    nextTotpStep(t);
    await page.fill('#code', totpCode(user.secret, t.clock.now().getTime()));
    await click(page, 'button', 'Verify', '**/account/security');
    await click(page, 'link', 'Add a passkey', '**/methods/passkey/setup');
    await page.fill('#password', user.password);
    await click(page, 'button', 'Continue', '**/methods/passkey/confirm');
    await click(page, 'button', 'Create the passkey', '**/account/security');
    await page.getByText(/The passkey .* was added\./).waitFor();
    return page;
  }

  /** The panel's sign-in, its second step answered with the passkey. */
  async function signInToPanelWithPasskey(page: Page, user: UserWithApp, home: string) {
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name=email]', user.email);
    await page.fill('input[name=password]', user.password);
    await click(page, 'button', 'Continue', '**/admin/login');
    await click(page, 'button', 'Use a passkey instead', '**/admin/login');
    await Promise.all([
      page.waitForURL('**/admin'),
      page.getByRole('button', { name: 'Use a passkey', exact: true }).click(),
    ]);
    await page.getByTestId(home).waitFor();
  }

  it('adds a passkey on the pages, then passes the panel’s second step with it', async () => {
    const admin = await userWithApp(t, 'admin');
    const page = await withPasskeyAddedOnPages(admin);
    await signInToPanelWithPasskey(page, admin, 'dashboard');
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it('H2: support staff give their passkey again for a desk lookup, the desk’s form accessible', async () => {
    const staff = await userWithApp(t, 'member');
    await platformRoles(t).grant(staff.email, 'support', 'test');
    const member = await userWithApp(t, 'member');
    const page = await withPasskeyAddedOnPages(staff);
    await signInToPanelWithPasskey(page, staff, 'support-desk-home');

    await page.goto(`${base}/admin/pages/support-desk`);
    await page.getByTestId('support-desk').waitFor();
    await page.fill('#lookup-email', member.email);
    await page.fill('#lookup-reason', REASON);
    await page.fill('#lookup-ticket', TICKET);
    // The strongest method is chosen first; the app stays one choice away.
    expect(await page.locator('#lookup-method').inputValue()).toBe('passkey');
    await page.getByText('Your passkey is asked for when you confirm.').waitFor();
    const { violations } = await new AxeBuilder({ page })
      .include('[data-testid="support-desk"]')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(violations.map((violation) => violation.id)).toEqual([]);
    await page.getByRole('button', { name: 'Look up' }).click();
    const status = page.getByTestId('support-desk-status');
    await status.waitFor();
    expect(await status.textContent()).toContain('authenticator app');
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
