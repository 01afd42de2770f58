import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { AuditService } from 'src/audit/audit.service';
import { launchChromium, openPage, serve } from './support/browser';
import { createUser, signIn, type TestUser } from './support/factories';
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

/**
 * Screenshots of the panel's main screens; with UPDATE_DOCS_SCREENSHOTS=1 they replace the ones
 * the docs show (docs/admin-*.png), otherwise they go to the git-ignored screenshots/.
 */
const SCREENSHOTS = join(
  __dirname,
  '..',
  process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? 'docs' : 'screenshots',
);
const shot = (name: string) => join(SCREENSHOTS, `admin-${name}.png`);
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe('AdminJS panel in a real browser (P4, A5, A3, A4, A6, P3)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: UserWithApp;
  let member: UserWithApp;
  let emailUser: { id: string; email: string; password: string; address: string };
  let bare: TestUser;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startPanelApp();
    base = await serve(t);
    admin = await userWithApp(t, 'admin');
    member = await userWithApp(t, 'member', admin.accountId);
    const withEmail = await userWithMethods(t, ['email'], { accountId: admin.accountId });
    emailUser = { ...withEmail.user, address: withEmail.address };
    bare = await createUser(t, admin.accountId, 'member');
    // Three weeks of lockouts and resets for the dashboard's chart, as the product records them.
    const audit = t.app.get(AuditService);
    const DAY = 24 * 60 * 60 * 1000;
    for (const [days, type] of [
      [8, 'two_factor.locked_out'],
      [3, 'two_factor.reset'],
      [5, 'two_factor.locked_out'],
      [2, 'two_factor.locked_out'],
      [2, 'two_factor.reset'],
      [0, 'two_factor.locked_out'],
    ] as const) {
      await audit.record({ type, user: member, actorId: admin.id });
      t.clock.advance(days * DAY);
    }
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  function newPage(): Promise<Page> {
    // Offline, AdminJS's request for the Roboto font fails harmlessly.
    return openPage(browser, { width: 1280, height: 800 }, cspViolations, /fonts\.googleapis/);
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

  /**
   * What `scope` shows passes axe-core's WCAG 2.2 AA rules: the panel's own screens, not
   * AdminJS's frame around them (its layout is AdminJS's to fix).
   */
  async function accessible(page: Page, screenshot: string | undefined, scope: string) {
    const { violations } = await new AxeBuilder({ page }).include(scope).withTags(WCAG).analyze();
    expect(
      violations.map((violation) => ({
        id: violation.id,
        nodes: violation.nodes.map((node) => node.target.join(' ')),
      })),
    ).toEqual([]);
    if (screenshot) await page.screenshot({ path: shot(screenshot), fullPage: true });
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

  it('P4/A5: password and authenticator code open the dashboard; users list, Reset 2FA naming the user, disable, the policy page and readable audit work', async () => {
    const page = await newPage();
    await enterPassword(page, admin);
    await page.waitForSelector('text=authenticator app');
    await enterCode(page, admin);
    await page.waitForURL('**/admin');

    // The home: what an administrator needs to decide on mandatory 2FA.
    const dashboard = page.getByTestId('dashboard');
    await dashboard.waitFor();
    const methods = page.getByRole('img', { name: /Users by second-factor method/ });
    expect(await methods.getAttribute('aria-label')).toBe(
      'Users by second-factor method: Authenticator app: 2, Email: 1, No method: 1',
    );
    await page.getByText('3 of 4 users who can sign in have at least one method.').waitFor();
    await page.getByText('1 user would have to set up a method at their next sign-in.').waitFor();
    await page.getByText('Two-factor authentication is optional for this account.').waitFor();
    await page
      .getByRole('img', { name: /Over the last 30 days: 4 lockouts and 2 admin resets/ })
      .waitFor();
    await accessible(page, 'dashboard', '[data-testid="dashboard"]');

    await page.goto(`${base}/admin/resources/users`);
    await page.waitForSelector(`tr[data-id="${member.id}"]`);
    const cell = (id: string, property = 'twoFactor') =>
      page.textContent(`tr[data-id="${id}"] [data-property-name="${property}"]`);
    expect(await cell(admin.id)).toContain('✓ Authenticator app');
    expect(await cell(member.id)).toContain('✓ Authenticator app');
    expect(await cell(emailUser.id)).toContain('✓ Email');
    expect(await cell(bare.id)).toContain('—');
    expect(await cell(admin.id, 'lastSignIn')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await cell(bare.id, 'lastSignIn')).toBe('Never');
    expect(await cell(member.id, 'status')).toBe('Active');
    await page.screenshot({ path: shot('users-2fa'), fullPage: true });
    // The filter drawer is a dialog: its buttons and fields have names.
    await page.click('[data-css="users-filter-button"]');
    await page.getByRole('button', { name: 'Close the filters' }).waitFor();
    await page.getByRole('textbox', { name: 'Email' }).waitFor();
    await accessible(page, undefined, '[data-css="users-filter-drawer"]');
    await page.getByRole('button', { name: 'Close the filters' }).click();

    // Reset 2FA is offered only to users with a method.
    await page.click(`tr[data-id="${bare.id}"] [data-testid="actions-dropdown"]`);
    await page.locator('[data-testid="action-disable"]').waitFor();
    expect(await page.locator('[data-testid="action-resetTwoFactor"]').count()).toBe(0);
    await page.keyboard.press('Escape');

    // The member has a session at the API that the reset must end.
    const { refreshToken } = await signInWithApp(t, member, member.secret);
    await page.goto(`${base}/admin/resources/users/records/${member.id}/resetTwoFactor`);
    await page
      .getByText(`Reset two-factor authentication for Test member (${member.email})?`)
      .waitFor();
    const yesReset = page.getByRole('button', {
      name: `Yes, reset: Test member (${member.email})`,
    });
    await yesReset.waitFor();
    await page.screenshot({ path: shot('reset-confirm') });
    await yesReset.click();
    await page.waitForSelector('text=Two-factor authentication reset');

    const api = await adminApi();
    expect((await api(`/api/admin/users/${member.id}`)).twoFactor.methods).toEqual([]);
    await t.http.post('/api/auth/refresh').send({ refreshToken }).expect(401);
    const events = await api(`/api/admin/audit-events?userId=${member.id}&type=two_factor.reset`);
    expect(events.items[0].actorId).toBe(admin.id);

    // Disabling names the user, ends their session and refuses their password.
    const emailSession = await signIn(t, emailUser);
    await page.goto(`${base}/admin/resources/users`);
    await page.click(`tr[data-id="${emailUser.id}"] [data-testid="actions-dropdown"]`);
    await page.click('[data-testid="action-disable"]');
    await page.getByText(`Disable Test member (${emailUser.email})?`).waitFor();
    await page.screenshot({ path: shot('disable-confirm') });
    await page.getByRole('button', { name: /^Yes, disable/ }).click();
    await page.waitForSelector('text=The user is disabled');
    await t.as(emailSession.accessToken).get('/api/me').expect(401);
    await t.http
      .post('/api/auth/login')
      .send({ email: emailUser.email, password: emailUser.password })
      .expect(401);
    await page.goto(`${base}/admin/resources/users`);
    await page.waitForSelector(`tr[data-id="${emailUser.id}"]`);
    expect(await cell(emailUser.id, 'status')).toBe('Disabled');

    // The policy page: one switch with the help page's sentence, confirmed before its POST.
    await page.goto(`${base}/admin/pages/two-factor-policy`);
    const toggle = page.getByRole('switch', {
      name: 'Make two-factor authentication mandatory for all users',
    });
    await toggle.waitFor();
    await page
      .getByText('Make sure every person using the account has their own username and password')
      .first()
      .waitFor();
    await page.getByText('The platform sets no date from which it is mandatory.').waitFor();
    await page
      .getByTestId('policy-setup-count')
      .getByText('2 users have no method and will be asked to set one up at their next sign-in.')
      .waitFor();
    await toggle.check();
    const confirmation = page.getByRole('alertdialog', { name: 'Confirm the policy change' });
    await confirmation.waitFor();
    await accessible(page, undefined, '[data-testid="policy-page"]');
    await page.screenshot({ path: shot('policy'), fullPage: true });
    expect((await api('/api/admin/policy')).twoFactorRequired).toBe(false);
    await confirmation.getByRole('button', { name: 'Yes, make 2FA mandatory' }).click();
    await page.getByText('This account makes it mandatory.').waitFor();
    expect((await api('/api/admin/policy')).twoFactorRequired).toBe(true);

    await toggle.uncheck();
    await confirmation.getByText('Deactivating the function will not deactivate').waitFor();
    await confirmation.getByRole('button', { name: 'Yes, make 2FA optional' }).click();
    await page.getByText('This account leaves it optional.').waitFor();
    expect((await api('/api/admin/policy')).twoFactorRequired).toBe(false);
    expect((await api(`/api/admin/users/${bare.id}`)).twoFactor.methods).toEqual([]);

    // Audit events: people by name and email, times with their zone, a row opens its detail.
    await page.goto(`${base}/admin/resources/audit-events`);
    await page.locator('tr[data-id]').first().waitFor();
    await page.screenshot({ path: shot('audit-events'), fullPage: true });
    await page.goto(
      `${base}/admin/resources/audit-events?filters.userEmail=${encodeURIComponent(emailUser.email)}&filters.type=user.disabled`,
    );
    const row = page.locator('tr[data-id]').first();
    await row.waitFor();
    expect(await row.locator('[data-property-name="user"]').textContent()).toBe(
      `Test member <${emailUser.email}>`,
    );
    expect(await row.locator('[data-property-name="actor"]').textContent()).toBe(
      `Test admin <${admin.email}>`,
    );
    expect(await row.locator('[data-property-name="when"]').textContent()).toMatch(/ UTC$/);
    expect(await row.locator('[data-property-name="type"]').textContent()).toBe('User Disabled');
    await row.locator('[data-property-name="type"]').click();
    await page.waitForURL('**/admin/resources/audit-events/records/*/show');
    const agent = page.getByTestId('property-show-userAgent');
    await agent.getByText('Browser or client').waitFor();
    expect(await agent.textContent()).toMatch(/Chrome/);
    expect(await page.getByTestId('property-show-actor').textContent()).toContain(admin.email);
    await page.screenshot({ path: shot('audit-event'), fullPage: true });

    // A6: "Log out" is a link; its page signs out with a POST.
    await page.goto(`${base}/admin/resources/users`);
    await page.waitForSelector(`tr[data-id="${member.id}"]`);
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
    await page.getByTestId('dashboard').waitFor();
    await page.goto(`${base}/admin/resources/users/actions/new`);
    await page.fill('[data-testid="property-edit-email"] input', member.email);
    await page.fill('[data-testid="property-edit-name"] input', 'A twin');
    await page.fill('[data-testid="property-edit-password"] input', 'a-long-enough-password');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForSelector('[data-testid="property-edit-role"] >> text=role must be one of');
    await page.screenshot({ path: shot('new-user-refused'), fullPage: true });
    expect(new URL(page.url()).pathname).toBe('/admin/resources/users/actions/new');
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('A5: a member with the right password and code is refused', async () => {
    const other = await userWithApp(t, 'member', admin.accountId);
    const page = await newPage();
    await enterPassword(page, other);
    await enterCode(page, other);
    await page.waitForSelector('text=the admin panel is for administrators only');
    await page.screenshot({ path: shot('member-refused') });
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
