import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { totpCode } from './support/independent-totp';
import { startPanelApp, userWithApp, type UserWithApp } from './support/panel';
import type { TestApp } from './support/test-app';
import { nextTotpStep, signInWithApp, userWithMethods } from './support/two-factor';

/** The few fields of the JSON API's answers this test reads. */
interface ApiAnswer {
  twoFactor: { methods: string[] };
  items: { actorId: string }[];
  twoFactorRequired: boolean;
}

const SCREENSHOTS = join(__dirname, '..', 'screenshots');
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe('AdminJS panel in a real browser (P4, A5, A3, A4)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: UserWithApp;
  let member: UserWithApp;
  let emailUser: { id: string; email: string; password: string; address: string };
  const cspViolations: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startPanelApp();
    await t.app.listen(0, '127.0.0.1');
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    admin = await userWithApp(t, 'admin');
    member = await userWithApp(t, 'member', admin.accountId);
    const withEmail = await userWithMethods(t, ['email'], { accountId: admin.accountId });
    emailUser = { ...withEmail.user, address: withEmail.address };
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(): Promise<Page> {
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    page.on('console', (message) => {
      const text = message.text();
      // Offline, AdminJS's request for the Roboto font fails harmlessly.
      if (/Content Security Policy/.test(text) && !/fonts\.googleapis/.test(text)) {
        cspViolations.push(text);
      }
    });
    return page;
  }

  async function enterPassword(page: Page, user: { email: string; password: string }) {
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name=email]', user.email);
    await page.fill('input[name=password]', user.password);
    await Promise.all([page.waitForURL('**/admin/login'), page.click('button[type=submit]')]);
  }

  async function enterCode(page: Page, user: UserWithApp) {
    nextTotpStep(t);
    await page.fill('input[name=code]', totpCode(user.secret, t.clock.now().getTime()));
    await Promise.all([page.waitForLoadState('load'), page.click('text=Verify')]);
  }

  /** The JSON API's view, as an administrator of the account who signed in with a code. */
  async function adminApi() {
    const { accessToken } = await signInWithApp(t, admin, admin.secret);
    return (path: string) =>
      t
        .as(accessToken)
        .get(path)
        .expect(200)
        .then((response) => response.body as ApiAnswer);
  }

  it('P4/A5: password and authenticator code open the users list with its 2FA column; Reset 2FA and the mandatory switch work', async () => {
    const page = await newPage();
    await enterPassword(page, admin);
    await page.waitForSelector('text=authenticator app');
    await enterCode(page, admin);
    await page.waitForURL('**/admin/resources/users**');
    await page.waitForSelector(`tr[data-id="${member.id}"]`);

    const cell = (id: string) =>
      page.textContent(`tr[data-id="${id}"] [data-property-name="twoFactor"]`);
    expect(await cell(admin.id)).toContain('✓ Authenticator app');
    expect(await cell(member.id)).toContain('✓ Authenticator app');
    expect(await cell(emailUser.id)).toContain('✓ Email');
    await page.screenshot({ path: join(SCREENSHOTS, 'users-list.png'), fullPage: true });

    // The member has a session at the API that the reset must end.
    const { refreshToken } = await signInWithApp(t, member, member.secret);

    await page.click(`tr[data-id="${member.id}"] [data-testid="actions-dropdown"]`);
    await page.click('[data-testid="action-resetTwoFactor"]');
    const yesReset = page.getByRole('button', { name: 'Yes, reset' });
    await yesReset.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'reset-confirm.png') });
    await yesReset.click();
    await page.waitForSelector('text=Two-factor authentication reset');

    const api = await adminApi();
    expect((await api(`/api/admin/users/${member.id}`)).twoFactor.methods).toEqual([]);
    await t.http.post('/api/auth/refresh').send({ refreshToken }).expect(401);
    const events = await api(`/api/admin/audit-events?userId=${member.id}&type=two_factor.reset`);
    expect(events.items[0].actorId).toBe(admin.id);

    await page.goto(`${base}/admin/resources/two-factor-policy/records/account/show`);
    await page.click('[data-testid="action-activate"]');
    await page.waitForSelector(
      'text=Before activating this option, make sure every person using the account has their own username and password',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'policy-activate.png') });
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForSelector('text=now mandatory');
    expect((await api('/api/admin/policy')).twoFactorRequired).toBe(true);

    await page.goto(`${base}/admin/resources/two-factor-policy/records/account/show`);
    await page.click('[data-testid="action-deactivate"]');
    await page.waitForSelector('text=Deactivating removes nobody');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForSelector('text=now optional');
    expect((await api('/api/admin/policy')).twoFactorRequired).toBe(false);
    expect((await api(`/api/admin/users/${emailUser.id}`)).twoFactor.methods).toEqual(['email']);

    await page.goto(`${base}/admin/resources/audit-events`);
    await page.waitForSelector('tr[data-id]');
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-events.png'), fullPage: true });

    // A6: "Log out" is a link; its page signs out with a POST.
    await page.click('[data-css="logged-in"]');
    await page.click('text=Log out');
    await page.waitForSelector('text=Sign out of the admin panel');
    await page.goto(`${base}/admin/resources/users`);
    await page.waitForSelector(`tr[data-id="${member.id}"]`);
    await page.click('[data-css="logged-in"]');
    await page.click('text=Log out');
    await Promise.all([
      page.waitForURL('**/admin/login'),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    await page.goto(`${base}/admin/resources/users`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it("I5: the new-user form shows the product's refusal and stays on the form", async () => {
    const page = await newPage();
    await enterPassword(page, admin);
    await enterCode(page, admin);
    await page.waitForURL('**/admin/resources/users**');
    await page.goto(`${base}/admin/resources/users/actions/new`);
    await page.fill('[data-testid="property-edit-email"] input', member.email);
    await page.fill('[data-testid="property-edit-name"] input', 'A twin');
    await page.fill('[data-testid="property-edit-password"] input', 'a-long-enough-password');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForSelector('[data-testid="property-edit-role"] >> text=role must be one of');
    await page.screenshot({ path: join(SCREENSHOTS, 'new-user-refused.png'), fullPage: true });
    expect(new URL(page.url()).pathname).toBe('/admin/resources/users/actions/new');
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('A5: a member with the right password and code is refused', async () => {
    const other = await userWithApp(t, 'member', admin.accountId);
    const page = await newPage();
    await enterPassword(page, other);
    await enterCode(page, other);
    await page.waitForSelector('text=the admin panel is for administrators only');
    await page.screenshot({ path: join(SCREENSHOTS, 'member-refused.png') });
    await page.goto(`${base}/admin/resources/users`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await page.locator('tr[data-id]').count()).toBe(0);
  }, 60_000);

  it('P4: the password alone opens nothing', async () => {
    const page = await newPage();
    await enterPassword(page, admin);
    for (const path of ['/admin', '/admin/resources/users', '/admin/resources/audit-events']) {
      await page.goto(`${base}${path}`);
      expect(new URL(page.url()).pathname).toBe('/admin/login');
      await page.waitForSelector('input[name=code]');
    }
    const api = await page.request.get(`${base}/admin/api/resources/users/actions/list`);
    expect(api.status()).toBe(401);
  }, 60_000);
});
