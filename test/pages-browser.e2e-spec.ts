import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage, serve } from './support/browser';
import { totpCode } from './support/independent-totp';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, userWithMethods } from './support/two-factor';

/**
 * Screenshots of the main screens; with UPDATE_DOCS_SCREENSHOTS=1 they replace the ones the docs
 * show (docs/pages-*.png), otherwise they go to the git-ignored screenshots/.
 */
const SCREENSHOTS = join(
  __dirname,
  '..',
  process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? 'docs' : 'screenshots',
);
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe('Pages for people who sign in, in a real browser (U1, U2, U3)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const cspViolations: string[] = [];
  const serverErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestApp();
    base = await serve(t);
    browser = await launchChromium();
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
    return page;
  }

  /** The screen in front of the user passes axe-core's WCAG 2.2 AA rules. */
  async function accessible(page: Page, screenshot?: string) {
    const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
    expect(
      violations.map((violation) => ({
        screen: new URL(page.url()).pathname,
        id: violation.id,
        nodes: violation.nodes.map((node) => node.target.join(' ')),
      })),
    ).toEqual([]);
    if (screenshot) {
      await page.screenshot({ path: join(SCREENSHOTS, `pages-${screenshot}.png`), fullPage: true });
    }
  }

  async function submit(page: Page, name: string) {
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name, exact: true }).click(),
    ]);
  }

  async function password(page: Page, user: { email: string; password: string }) {
    await page.goto(`${base}/`);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await Promise.all([page.waitForURL(`${base}/`), submit(page, 'Sign in')]);
    await page.waitForSelector('#code');
  }

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
});
