import type TestAgent from 'supertest/lib/agent';
import { panelTranslations } from 'src/admin-panel/panel-translations';
import {
  panelClient,
  signInToPanel,
  startPanelApp,
  userWithApp,
  type UserWithApp,
} from './support/panel';
import { because, REASON, supportPerson, TICKET } from './support/support-staff';
import type { TestApp } from './support/test-app';
import { signInWithApp } from './support/two-factor';

const HOUR = 60 * 60 * 1000;

/** H4, four eyes, in the panel: an account's administrators decide support's requests there. */
describe('AdminJS panel: Settings > Support requests (H4)', () => {
  let t: TestApp;
  let admin: UserWithApp;
  let member: UserWithApp;
  let otherAdmin: UserWithApp;
  let support: Awaited<ReturnType<typeof supportPerson>>;
  let panel: TestAgent;

  beforeAll(async () => {
    t = await startPanelApp();
    admin = await userWithApp(t, 'admin');
    member = await userWithApp(t, 'member', admin.accountId);
    otherAdmin = await userWithApp(t, 'admin');
    const { accessToken } = await signInWithApp(t, admin, admin.secret);
    await t
      .as(accessToken)
      .put('/api/admin/policy')
      .send({ twoFactorRequired: false, supportApprovalRequired: true })
      .expect(200);
    support = await supportPerson(t);
    panel = panelClient(t);
    expect(await signInToPanel(t, panel, admin)).toBe('/admin');
  }, 60_000);
  afterAll(() => t.close());

  const api = (agent: TestAgent, path: string) =>
    agent.get(`/admin/api/resources/support-requests/${path}`).set('Sec-Fetch-Site', 'same-origin');
  const act = (agent: TestAgent, path: string) =>
    agent
      .post(`/admin/api/resources/support-requests/${path}`)
      .set('Sec-Fetch-Site', 'same-origin')
      .send({});

  /** A pending request (the account asks for four eyes), as support asks it at the API. */
  async function ask(action: 'temporary-code' | 'sessions/end'): Promise<string> {
    const asked = await t
      .as(support.token)
      .post(`/api/support/users/${member.id}/${action}`)
      .send(because(support))
      .expect(200);
    expect(asked.body.status).toBe('pending');
    return asked.body.requestId as string;
  }

  const carryOut = (id: string) =>
    t
      .as(support.token)
      .post(`/api/support/requests/${id}/carry-out`)
      .send({ stepUpToken: support.stepUpToken });

  const stateAtApi = async (id: string) => {
    const { accessToken } = await signInWithApp(t, admin, admin.secret);
    const list = await t.as(accessToken).get('/api/admin/support-requests?limit=100').expect(200);
    return (list.body.items as { id: string; status: string }[]).find((item) => item.id === id)
      ?.status;
  };

  it("H4: lists the account's requests with who, what, reason, ticket, state and expiry; another account's administrator sees none", async () => {
    const id = await ask('temporary-code');
    const list = await api(panel, 'actions/list').expect(200);
    const row = (list.body.records as { id: string; params: Record<string, string> }[]).find(
      (record) => record.id === id,
    );
    expect(row?.params).toMatchObject({
      name: expect.any(String),
      email: member.email,
      action: 'temporary access code',
      status: 'pending',
      ticket: TICKET,
      expires: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
    });
    const shown = await api(panel, `records/${id}/show`).expect(200);
    expect(shown.body.record.params).toMatchObject({
      support: support.user.email,
      reason: REASON,
      decidedBy: '—',
    });
    const actions = (shown.body.record.recordActions as { name: string }[]).map((a) => a.name);
    expect(actions).toEqual(expect.arrayContaining(['approve', 'refuse']));

    const other = panelClient(t);
    expect(await signInToPanel(t, other, otherAdmin)).toBe('/admin');
    expect((await api(other, 'actions/list').expect(200)).body.records).toEqual([]);
    for (const answer of [
      await api(other, `records/${id}/show`),
      await act(other, `records/${id}/approve`),
      await act(other, `records/${id}/refuse`),
    ]) {
      expect(answer.status).toBeLessThan(500);
      expect(answer.body.notice?.type).toBe('error');
      expect(answer.text).not.toContain(member.email);
    }
    expect(await stateAtApi(id)).toBe('pending');
  });

  it('H4/A6: Approve is confirmed on a page naming the user and the action; its GET, a cross-site or Origin-less POST change nothing; its POST approves once', async () => {
    const id = await ask('temporary-code');
    const page = await api(panel, `records/${id}/approve`).expect(200);
    expect(page.body.record.params).toMatchObject({
      name: expect.any(String),
      email: member.email,
      action: 'temporary access code',
    });
    const message = panelTranslations.resources['support-requests'].messages.approveConfirm;
    expect(message).toEqual(expect.stringContaining('({{action}}) about {{name}} ({{email}})'));
    for (const method of ['get', 'head'] as const) {
      await panel[method](`/admin/api/resources/support-requests/records/${id}/approve`).set(
        'Sec-Fetch-Site',
        'same-origin',
      );
    }
    const crossSite = await panel
      .post(`/admin/api/resources/support-requests/records/${id}/approve`)
      .set('Origin', 'https://evil.example')
      .send({});
    expect([crossSite.status, crossSite.body.code]).toEqual([403, 'FORBIDDEN']);
    const noOrigin = await panel
      .post(`/admin/api/resources/support-requests/records/${id}/approve`)
      .unset('Origin')
      .send({});
    expect(noOrigin.status).toBe(403);
    expect(await stateAtApi(id)).toBe('pending');
    expect((await carryOut(id)).status).toBe(409);

    t.mail.clear();
    const approved = await act(panel, `records/${id}/approve`).expect(200);
    expect(approved.body.notice.type).toBe('success');
    expect(approved.body.record.params).toMatchObject({
      status: 'approved',
      decidedBy: expect.stringContaining(`<${admin.email}>`),
    });
    await t.mail.waitFor((m) => m.to.includes(member.email));
    const again = await act(panel, `records/${id}/refuse`);
    expect([again.status, again.body.code]).toEqual([409, 'SUPPORT_REQUEST_CLOSED']);
    const done = await carryOut(id).expect(200);
    expect(done.body.temporaryCode).toEqual(expect.any(String));
  });

  it('H4: Refuse closes the request: support cannot carry it out, and an expired one cannot be approved', async () => {
    const refusedId = await ask('sessions/end');
    const refused = await act(panel, `records/${refusedId}/refuse`).expect(200);
    expect(refused.body.record.params.status).toBe('refused');
    expect((await carryOut(refusedId)).status).toBe(409);
    const shown = await api(panel, `records/${refusedId}/show`).expect(200);
    const actions = (shown.body.record.recordActions as { name: string }[]).map((a) => a.name);
    expect(actions).not.toContain('approve');

    const staleId = await ask('sessions/end');
    t.clock.advance(24 * HOUR + 60_000);
    const late = panelClient(t);
    expect(await signInToPanel(t, late, admin)).toBe('/admin');
    const stale = await act(late, `records/${staleId}/approve`);
    expect([stale.status, stale.body.code]).toEqual([409, 'SUPPORT_REQUEST_CLOSED']);
    expect((await api(late, `records/${staleId}/show`)).body.record.params.status).toBe('expired');
  });

  it('I5: bad ids and paging answer 4xx, never 5xx', async () => {
    const before = t.logs.lines.length;
    for (const path of [
      'records/not-a-uuid/show',
      'records/not-a-uuid/approve',
      'actions/list?page=-1',
      'actions/list?perPage=1000',
    ]) {
      const answer = await api(panel, path);
      expect([path, answer.status < 500]).toEqual([path, true]);
    }
    const bad = await act(panel, 'records/not-a-uuid/approve');
    expect(bad.status).toBeLessThan(500);
    expect(t.logs.lines.slice(before).filter((line) => line.startsWith('error'))).toEqual([]);
  });
});
