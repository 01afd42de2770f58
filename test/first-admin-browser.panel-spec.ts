import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage, serve } from './support/browser';
import { createUser } from './support/factories';
import { totpCode } from './support/independent-totp';
import { startPanelApp } from './support/panel';
import { UsersService } from 'src/users/users.service';
import { BOOTSTRAP_ADMIN, type TestApp } from './support/test-app';
import { nextTotpStep, signInWithApp } from './support/two-factor';

/**
 * A fresh administrator with only a browser (issue 16): the panel asks for a second factor they
 * do not have yet and sends them to `/`; there they set up an authenticator app (by choice, or
 * because 2FA is mandatory) with a real TOTP code, then enter the panel with password and code.
 */
describe('A fresh administrator reaches the panel through the pages (P4, A5, S7)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const cspViolations: string[] = [];
  const serverErrors: string[] = [];
  let firstAdminSecret = '';

  beforeAll(async () => {
    t = await startPanelApp();
    base = await serve(t);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(): Promise<Page> {
    // Offline, AdminJS's request for the Roboto font fails harmlessly.
    const page = await openPage(browser, { width: 1280, height: 800 }, cspViolations, /fonts\./);
    page.on('response', (response) => {
      if (response.status() >= 500) serverErrors.push(`${response.status()} ${response.url()}`);
    });
    return page;
  }

  async function submit(page: Page, name: string, url: string | RegExp) {
    await Promise.all([
      page.waitForURL(url),
      page.getByRole('button', { name, exact: true }).click(),
    ]);
  }

  async function panelPassword(page: Page, user: { email: string; password: string }) {
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name=email]', user.email);
    await page.fill('input[name=password]', user.password);
    await submit(page, 'Continue', '**/admin/login');
  }

  /** From the QR code's page: the manual key, a code the app would show, and "Confirm". */
  async function confirmApp(page: Page): Promise<string> {
    await page.waitForSelector('img.qr');
    await page.click('summary');
    const secret = (await page.textContent('code.key'))!.replace(/\s/g, '');
    nextTotpStep(t);
    await page.fill('#code', totpCode(secret, t.clock.now().getTime()));
    await submit(page, 'Confirm', '**/account/security');
    await page.getByText('Authenticator app is on.').waitFor();
    return secret;
  }

  async function enterPanel(page: Page, user: { email: string; password: string }, secret: string) {
    await panelPassword(page, user);
    await page.getByText('Enter the 6-digit code from your authenticator app.').waitFor();
    nextTotpStep(t);
    await page.fill('input[name=code]', totpCode(secret, t.clock.now().getTime()));
    await submit(page, 'Verify', '**/admin');
    await page.getByTestId('dashboard').waitFor();
  }

  it('the first administrator: refused by the panel with the way to `/`, sets up an app there, then enters the panel with password and code', async () => {
    const page = await newPage();
    await panelPassword(page, BOOTSTRAP_ADMIN);
    await page.getByText('Sign in at / (the sign-in page)').waitFor();

    await page.goto(`${base}/`);
    await page.fill('#email', BOOTSTRAP_ADMIN.email);
    await page.fill('#password', BOOTSTRAP_ADMIN.password);
    await submit(page, 'Sign in', '**/account/security');
    await page.getByRole('link', { name: 'Admin panel' }).waitFor();
    await Promise.all([
      page.waitForURL(/methods\/totp\/setup/),
      page.getByRole('switch', { name: 'Turn on Authenticator app' }).click(),
    ]);
    await page.fill('#password', BOOTSTRAP_ADMIN.password);
    await submit(page, 'Continue', '**/methods/totp/confirm');
    firstAdminSecret = await confirmApp(page);

    await enterPanel(page, BOOTSTRAP_ADMIN, firstAdminSecret);
    expect(cspViolations).toEqual([]);
    expect(serverErrors).toEqual([]);
  }, 120_000);

  it('an administrator added while 2FA is mandatory: the sign-in at `/` makes them set up an app first, then the panel lets them in', async () => {
    // The first administrator, with the app set up above, makes 2FA mandatory through the API.
    const first = await t.app.get(UsersService).findByEmail(BOOTSTRAP_ADMIN.email);
    const { accessToken } = await signInWithApp(t, BOOTSTRAP_ADMIN, firstAdminSecret);
    await t.as(accessToken).put('/api/admin/policy').send({ twoFactorRequired: true }).expect(200);
    const newcomer = await createUser(t, first!.accountId, 'admin');

    const page = await newPage();
    await page.goto(`${base}/`);
    await page.fill('#email', newcomer.email);
    await page.fill('#password', newcomer.password);
    await submit(page, 'Sign in', '**/account/security');
    await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
    await Promise.all([
      page.waitForURL('**/methods/totp/setup'),
      page.getByRole('link', { name: 'Authenticator app' }).click(),
    ]);
    await submit(page, 'Continue', '**/methods/totp/confirm');
    const secret = await confirmApp(page);

    await enterPanel(page, newcomer, secret);
    expect(cspViolations).toEqual([]);
    expect(serverErrors).toEqual([]);
  }, 120_000);
});
