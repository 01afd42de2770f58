import { because, REASON, supportPerson, TICKET } from './support/support-staff';
import {
  panelClient,
  signInToPanel,
  startPanelApp,
  userWithApp,
  type UserWithApp,
} from './support/panel';
import type { TestApp } from './support/test-app';
import { userWithMethods } from './support/two-factor';

/** H4 in the panel: an account's administrators read support's actions in their audit events. */
describe('Support desk in the AdminJS panel', () => {
  let t: TestApp;
  let admin: UserWithApp;

  beforeAll(async () => {
    t = await startPanelApp();
    admin = await userWithApp(t, 'admin');
  }, 60_000);
  afterAll(() => t.close());

  it('H4: the audit event of a support action shows its reason and ticket to the account’s administrator', async () => {
    const { user: member } = await userWithMethods(t, ['totp'], { accountId: admin.accountId });
    const support = await supportPerson(t);
    await t
      .as(support.token)
      .post(`/api/support/users/${member.id}/sessions/end`)
      .send(because(support))
      .expect(200);

    const panel = panelClient(t);
    expect(await signInToPanel(t, panel, admin)).toBe('/admin');
    const list = await panel
      .get(
        `/admin/api/resources/audit-events/actions/list?filters.type=support.action&filters.userEmail=${encodeURIComponent(member.email)}`,
      )
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(200);
    expect(list.body.records).toHaveLength(1);
    const [event] = list.body.records as { id: string }[];
    const detail = await panel
      .get(`/admin/api/resources/audit-events/records/${event.id}/show`)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(200);
    expect(detail.body.record.params).toMatchObject({
      type: 'support.action',
      detail: 'end_sessions done',
      reason: REASON,
      ticket: TICKET,
    });
  });
});
