import type { Browser, Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { launchChromium, openPage, serve } from './support/browser';
import { totpCode } from './support/independent-totp';
import { startPanelApp, userWithApp, type UserWithApp } from './support/panel';
import { because, platformRoles, REASON, supportPerson, TICKET } from './support/support-staff';
import type { TestApp } from './support/test-app';
import { nextTotpStep, signInWithApp, userWithMethods } from './support/two-factor';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The Support desk and Support requests in a real browser (H1–H4, A6). */
describe('AdminJS panel: support desk in a real browser (H1–H4)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let staff: UserWithApp;
  let admin: UserWithApp;
  let member: UserWithApp;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    t = await startPanelApp();
    base = await serve(t);
    staff = await userWithApp(t, 'member');
    await platformRoles(t).grant(staff.email, 'support', 'test');
    admin = await userWithApp(t, 'admin');
    member = await userWithApp(t, 'member', admin.accountId);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const code = (user: UserWithApp) => {
    nextTotpStep(t);
    return totpCode(user.secret, t.clock.now().getTime());
  };

  async function signInAs(user: UserWithApp): Promise<Page> {
    const page = await openPage(
      browser,
      { width: 1280, height: 900 },
      cspViolations,
      /fonts\.googleapis/,
    );
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name=email]', user.email);
    await page.fill('input[name=password]', user.password);
    await Promise.all([page.waitForURL('**/admin/login'), page.click('button[type=submit]')]);
    await page.fill('input[name=code]', code(user));
    await Promise.all([page.waitForURL('**/admin'), page.click('text=Verify')]);
    return page;
  }

  async function accessible(page: Page, scope: string) {
    const { violations } = await new AxeBuilder({ page }).include(scope).withTags(WCAG).analyze();
    expect(violations.map((violation) => violation.id)).toEqual([]);
  }

  it('H1–H3: staff see only the Support desk, look a user up and issue a temporary code shown once', async () => {
    const page = await signInAs(staff);
    await page.getByTestId('support-desk-home').waitFor();
    const menu = page.locator('nav, [data-css="sidebar"]').first();
    await menu.getByText('Support desk').waitFor();
    expect(await page.getByText('Two-factor policy').count()).toBe(0);
    expect(await page.getByText('Users', { exact: true }).count()).toBe(0);

    await page.goto(`${base}/admin/pages/support-desk`);
    await page.getByTestId('support-desk').waitFor();
    await page.fill('#lookup-email', member.email);
    await page.fill('#lookup-reason', REASON);
    await page.fill('#lookup-ticket', TICKET);
    await page.fill('#lookup-code', code(staff));
    await page.getByRole('button', { name: 'Look up' }).click();
    const status = page.getByTestId('support-desk-status');
    await status.waitFor();
    expect(await status.textContent()).toContain('authenticator app');
    await accessible(page, '[data-testid="support-desk"]');

    await page.getByRole('button', { name: 'Issue a temporary access code' }).click();
    // The confirmation names the action and the user (by the masked address support sees).
    await page.getByText(/^Issue a temporary access code for .+ \(.+•.+\)\?/).waitFor();
    await page.fill('#act-reason', REASON);
    await page.fill('#act-ticket', TICKET);
    await page.fill('#act-code', code(staff));
    await page.getByRole('button', { name: 'Yes: issue a temporary access code' }).click();
    const shown = page.getByTestId('support-desk-code');
    await shown.waitFor();
    expect(await shown.textContent()).toMatch(/shown once: \S{12}/);
    await page.reload();
    await page.getByTestId('support-desk-trail').waitFor();
    expect(await page.getByTestId('support-desk-code').count()).toBe(0);
    expect(await page.getByTestId('support-desk-trail').textContent()).toContain('temporary_code');
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it('H2: staff who use email codes choose them, send one, and end a user’s sessions with it', async () => {
    const { user, secret, address } = await userWithMethods(t, ['totp', 'email']);
    await platformRoles(t).grant(user.email, 'support', 'test');
    const target = await userWithApp(t, 'member');
    const page = await signInAs({ ...user, secret });
    await page.goto(`${base}/admin/pages/support-desk`);
    await page.getByTestId('support-desk').waitFor();
    const withEmailCode = async (prefix: string) => {
      await page.selectOption(`#${prefix}-method`, 'email');
      const form = page.locator('form', { has: page.locator(`#${prefix}-method`) });
      await form.getByRole('button', { name: 'Send me a verification code' }).click();
      await form.getByText(/^The verification code sent to .+•/).waitFor();
      await page.fill(`#${prefix}-code`, t.mail.latestCodeFor(address));
    };

    await page.fill('#lookup-email', target.email);
    await page.fill('#lookup-reason', REASON);
    await page.fill('#lookup-ticket', TICKET);
    await withEmailCode('lookup');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByTestId('support-desk-status').waitFor();

    await page.getByRole('button', { name: 'End all sessions' }).click();
    await page.fill('#act-reason', REASON);
    await page.fill('#act-ticket', TICKET);
    await withEmailCode('act');
    await accessible(page, '[data-testid="support-desk"]');
    await page.getByRole('button', { name: 'Yes: end all sessions' }).click();
    await page.getByText('Done; the user and the account’s administrators were emailed.').waitFor();
    expect(await page.getByTestId('support-desk-trail').textContent()).toContain('end_sessions');
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it('R1: staff without their phone choose a recovery code, and it is taken once', async () => {
    const { user, secret, token } = await userWithMethods(t, ['totp']);
    const { codes } = (
      await t.as(token).post('/api/me/recovery-codes').send({ password: user.password }).expect(200)
    ).body as { codes: string[] };
    await platformRoles(t).grant(user.email, 'support', 'test');
    const target = await userWithApp(t, 'member');
    const page = await signInAs({ ...user, secret });
    await page.goto(`${base}/admin/pages/support-desk`);
    await page.getByTestId('support-desk').waitFor();
    await page.fill('#lookup-email', target.email);
    await page.fill('#lookup-reason', REASON);
    await page.fill('#lookup-ticket', TICKET);
    await page.selectOption('#lookup-method', 'recovery');
    await page.getByLabel('One of your recovery codes (each works once)').fill(codes[0]);
    await accessible(page, '[data-testid="support-desk"]');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByTestId('support-desk-status').waitFor();

    // The form asks for a new factor; the same code again is refused.
    await page.getByLabel('One of your recovery codes (each works once)').fill(codes[0]);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByText('The code is not valid', { exact: false }).waitFor();
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it('H4: an administrator (not staff) has no Support desk and approves a pending request on a page naming the action and the user', async () => {
    const { accessToken } = await signInWithApp(t, admin, admin.secret);
    await t
      .as(accessToken)
      .put('/api/admin/policy')
      .send({ twoFactorRequired: false, supportApprovalRequired: true })
      .expect(200);
    const support = await supportPerson(t);
    const asked = await t
      .as(support.token)
      .post(`/api/support/users/${member.id}/sessions/end`)
      .send(because(support))
      .expect(200);
    const id = asked.body.requestId as string;

    const page = await signInAs(admin);
    await page.getByTestId('dashboard').waitFor();
    expect(await page.getByText('Support desk').count()).toBe(0);
    await page.goto(`${base}/admin/resources/support-requests/records/${id}/approve`);
    const message = page.getByText(/Approve platform support’s request \(end all sessions\) about/);
    await message.waitFor();
    expect(await message.textContent()).toContain(member.email);
    await page.getByRole('button', { name: /Yes, approve/ }).click();
    await page.waitForSelector('text=Approved: platform support may carry it out');
    const { accessToken: again } = await signInWithApp(t, admin, admin.secret);
    const list = await t.as(again).get('/api/admin/support-requests').expect(200);
    expect(list.body.items[0]).toMatchObject({ id, status: 'approved', decidedBy: admin.id });
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it('H4: staff carry out an approved request from the desk’s trail, with a fresh code', async () => {
    // The account asks for four eyes since the test above.
    const person = await supportPerson(t);
    const asked = await t
      .as(person.token)
      .post(`/api/support/users/${member.id}/temporary-code`)
      .send(because(person))
      .expect(200);
    const { accessToken } = await signInWithApp(t, admin, admin.secret);
    await t
      .as(accessToken)
      .post(`/api/admin/support-requests/${asked.body.requestId as string}/approve`)
      .expect(200);

    const staffMember = { ...person.user, secret: person.secret };
    const page = await signInAs(staffMember);
    await page.goto(`${base}/admin/pages/support-desk`);
    await page.getByTestId('support-desk-trail').waitFor();
    const carryOut = page.getByRole('button', { name: 'Carry out', exact: true });
    await carryOut.click();
    await page.getByText(/^Carry out the approved temporary_code \(ticket /).waitFor();
    await page.fill('#carry-code', code(staffMember));
    await accessible(page, '[data-testid="support-desk"]');
    await page.getByRole('button', { name: 'Yes: carry it out' }).click();
    const shown = page.getByTestId('support-desk-code');
    await shown.waitFor();
    expect(await shown.textContent()).toMatch(/shown once: \S{12}/);
    expect(await carryOut.count()).toBe(0);
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
