import { getRepositoryToken } from '@nestjs/typeorm';
import type { Response } from 'supertest';
import type { Repository } from 'typeorm';
import type { AccessClaims } from 'src/access/tokens.service';
import { AuditService } from 'src/audit/audit.service';
import { WebSession } from 'src/sessions/web-session.entity';
import { RefreshToken } from 'src/sessions/refresh-token.entity';
import { SessionsService } from 'src/sessions/sessions.service';
import { UsersService } from 'src/users/users.service';
import type TestAgent from 'supertest/lib/agent';
import { createAccountWithUser, createUser, signIn } from './support/factories';
import { totpCode } from './support/independent-totp';
import {
  panelClient,
  panelOrigin,
  signInToPanel,
  startPanelApp,
  userWithApp,
  type UserWithApp,
} from './support/panel';
import type { TestApp } from './support/test-app';
import { nextTotpStep, signInWithApp, userWithMethods } from './support/two-factor';

/** Everything the panel answered in this file, searched at the end for secrets. */
const answers: string[] = [];
const keep = (response: Response) => {
  answers.push(`${JSON.stringify(response.headers)}\n${response.text ?? ''}`);
  return response;
};

describe('AdminJS panel over HTTP (P4, A5, A2)', () => {
  let t: TestApp;
  let admin: UserWithApp;
  let colleague: UserWithApp;
  let stranger: UserWithApp;

  beforeAll(async () => {
    t = await startPanelApp();
    admin = await userWithApp(t, 'admin');
    colleague = await userWithApp(t, 'member', admin.accountId);
    stranger = await userWithApp(t, 'member');
  }, 60_000);

  afterAll(() => t.close());

  it('loads AdminJS without changing the process environment (NODE_ENV stays as Jest set it)', () => {
    expect(process.env.NODE_ENV).toBe('test');
  });

  const api = (panel: TestAgent, path: string) =>
    panel.get(`/admin/api/resources/${path}`).set('Sec-Fetch-Site', 'same-origin').then(keep);
  /** What the panel's pages send to act: a POST from its own origin. */
  const act = (panel: TestAgent, path: string) =>
    panel
      .post(`/admin/api/resources/${path}`)
      .set('Sec-Fetch-Site', 'same-origin')
      .send({})
      .then(keep);

  it('P4/A5: the right password alone opens no panel page and no panel API route', async () => {
    const panel = panelClient(t);
    await panel
      .post('/admin/login')
      .type('form')
      .send({ email: admin.email, password: admin.password })
      .expect(302);
    const codePage = await panel.get('/admin/login').expect(200);
    expect(codePage.text).toContain('authenticator app');

    for (const page of [
      '/admin',
      '/admin/resources/users',
      `/admin/resources/users/records/${colleague.id}/show`,
    ]) {
      const answer = await panel.get(page);
      expect([answer.status, answer.headers.location]).toEqual([302, '/admin/login']);
    }
    for (const route of [
      'users/actions/list',
      `users/records/${colleague.id}/show`,
      `users/records/${colleague.id}/resetTwoFactor`,
      'audit-events/actions/list',
      `users/records/${colleague.id}/disable`,
    ]) {
      expect((await api(panel, route)).status).toBe(401);
    }
    for (const route of ['/admin/api/dashboard', '/admin/api/pages/two-factor-policy']) {
      const answer = await panel.get(route).set('Sec-Fetch-Site', 'same-origin').then(keep);
      expect([route, answer.status]).toEqual([route, 401]);
    }
    const colleagueView = await adminView(colleague.id);
    expect(colleagueView.twoFactor.methods).toEqual(['totp']);
  });

  it('A5: a new session id at each step; the cookie is HttpOnly, SameSite=Strict, path /admin', async () => {
    const panel = panelClient(t);
    const first = await panel
      .post('/admin/login')
      .type('form')
      .send({ email: admin.email, password: admin.password });
    nextTotpStep(t);
    const second = await panel
      .post('/admin/login/code')
      .type('form')
      .send({ code: totpCode(admin.secret, t.clock.now().getTime()) });
    expect(second.headers.location).toBe('/admin');
    const cookies = [first, second].map((answer) => String(answer.headers['set-cookie']));
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^gk_panel=/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\/admin;/);
      expect(cookie).not.toMatch(/Secure/); // plain http here; Secure only behind TLS
    }
    const sessionId = (cookie: string) => /^gk_panel=([^;]+)/.exec(cookie)![1];
    expect(sessionId(cookies[0])).not.toBe(sessionId(cookies[1]));
    expect((await api(panel, 'users/actions/list')).status).toBe(200);

    const session = await productSessionOf(sessionId(cookies[1]));
    expect(await t.app.get(SessionsService).resume(session)).not.toBeNull();
    await panel.post('/admin/logout').expect(302);
    expect((await api(panel, 'users/actions/list')).status).toBe(401);
    // Signing out ends the product session the panel held, as the API's logout does.
    expect(await t.app.get(SessionsService).resume(session)).toBeNull();
  });

  it('A5: the session row holds the pending sign-in sealed, never the challenge token', async () => {
    const panel = panelClient(t);
    const password = await panel
      .post('/admin/login')
      .type('form')
      .send({ email: admin.email, password: admin.password })
      .expect(302);
    const row = await panelSessionRow(String(password.headers['set-cookie']));
    expect(row).toContain('"challenge"');
    expect(row).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    nextTotpStep(t);
    const code = totpCode(admin.secret, t.clock.now().getTime());
    const verified = await panel.post('/admin/login/code').type('form').send({ code });
    expect(verified.headers.location).toBe('/admin');
  });

  it('S4: signing out everywhere at the API ends the panel session too', async () => {
    const other = await userWithApp(t, 'admin', admin.accountId);
    const panel = panelClient(t);
    expect(await signInToPanel(t, panel, other)).toBe('/admin');
    expect((await api(panel, 'users/actions/list')).status).toBe(200);
    const { accessToken } = await signInWithApp(t, other, other.secret);
    await t.as(accessToken).post('/api/auth/logout-all').expect(204);
    expect((await api(panel, 'users/actions/list')).status).toBe(401);
    const page = await panel.get('/admin/login').expect(200);
    expect(page.text).toContain('Your session has ended');
  });

  it('A5: a member with the right password and code is refused, with a clear message', async () => {
    const panel = panelClient(t);
    expect(await signInToPanel(t, panel, colleague)).toBe('/admin/login');
    const page = await panel.get('/admin/login').expect(200);
    expect(page.text).toContain('the admin panel is for administrators only');
    expect((await api(panel, 'users/actions/list')).status).toBe(401);
    // The product session the refused sign-in opened is ended at once: nothing holds it.
    const families = await t.app
      .get<Repository<RefreshToken>>(getRepositoryToken(RefreshToken))
      .findBy({ userId: colleague.id, origin: 'second_factor' });
    expect(families.length).toBeGreaterThan(0);
    expect(families.every((row) => row.revokedAt !== null)).toBe(true);
  });

  it('A5: an administrator without a method while 2FA is mandatory is told how to set one up', async () => {
    const panel = panelClient(t);
    const other = await userWithApp(t, 'admin');
    const { accessToken } = await signInWithApp(t, other, other.secret);
    await t.as(accessToken).put('/api/admin/policy').send({ twoFactorRequired: true }).expect(200);
    const bare = await createUser(t, other.accountId, 'admin');
    await panel
      .post('/admin/login')
      .type('form')
      .send({ email: bare.email, password: bare.password });
    const page = await panel.get('/admin/login').expect(200);
    expect(page.text).toContain('Sign in at / (the sign-in page), set up');
    expect((await api(panel, 'users/actions/list')).status).toBe(401);
  });

  describe('signed in as an administrator', () => {
    let panel: TestAgent;

    beforeAll(async () => {
      panel = panelClient(t);
      expect(await signInToPanel(t, panel, admin)).toBe('/admin');
    });

    it('lists the own account only, with the 2FA column naming methods, whatever filters are sent (A2)', async () => {
      const list = await api(panel, `users/actions/list?filters.accountId=${stranger.accountId}`);
      const emails = list.body.records.map(
        (record: { params: { email: string } }) => record.params.email,
      );
      expect(emails).toEqual(expect.arrayContaining([admin.email, colleague.email]));
      expect(emails).not.toContain(stranger.email);
      const row = list.body.records.find((record: { id: string }) => record.id === colleague.id);
      expect(row.params.twoFactor).toBe('✓ Authenticator app');

      const search = await api(panel, `users/actions/list?filters.email=${stranger.email}`);
      expect(search.body.records).toEqual([]);
      const disabled = await api(panel, 'users/actions/list?filters.twoFactorStatus=disabled');
      expect(disabled.body.records).toEqual([]);
    });

    it("a list view reads its page and its total apart: one count-only query, never the API's list", async () => {
      const users = t.app.get(UsersService);
      const audit = t.app.get(AuditService);
      const calls = [
        jest.spyOn(users, 'page'),
        jest.spyOn(users, 'count'),
        jest.spyOn(users, 'list'),
        jest.spyOn(audit, 'page'),
        jest.spyOn(audit, 'count'),
        jest.spyOn(audit, 'list'),
      ];
      try {
        expect((await api(panel, 'users/actions/list')).status).toBe(200);
        expect((await api(panel, 'audit-events/actions/list')).status).toBe(200);
        expect(calls.map((call) => call.mock.calls.length)).toEqual([1, 1, 0, 1, 1, 0]);
      } finally {
        for (const call of calls) call.mockRestore();
      }
    });

    it("refuses every route on another account's user (A2)", async () => {
      for (const [send, route] of [
        [api, `users/records/${stranger.id}/show`],
        [api, `users/records/${stranger.id}/resetTwoFactor`],
        [act, `users/records/${stranger.id}/resetTwoFactor`],
      ] as const) {
        // AdminJS answers a record it cannot find with 200 and an error notice.
        const answer = await send(panel, route);
        expect(answer.body.notice?.type).toBe('error');
        expect(answer.body.record?.params ?? {}).toEqual({});
        expect(answer.text).not.toContain(stranger.email);
      }
      const search = await api(panel, `users/search/${encodeURIComponent(stranger.email)}`);
      expect(JSON.stringify(search.body)).not.toContain(stranger.email);
      const events = await api(
        panel,
        `audit-events/actions/list?filters.userEmail=${encodeURIComponent(stranger.email)}`,
      );
      expect(events.body.records).toEqual([]);
      for (const action of ['disable', 'enable']) {
        const answer = await act(panel, `users/records/${stranger.id}/${action}`);
        expect([action, answer.body.notice?.type]).toEqual([action, 'error']);
      }
      await signIn(t, stranger);
      expect((await adminView(stranger.id, stranger)).twoFactor.methods).toEqual(['totp']);
    });

    it('refuses cross-site calls to its API, so a link elsewhere cannot reset anyone', async () => {
      const answer = await panel
        .get(`/admin/api/resources/users/records/${colleague.id}/resetTwoFactor`)
        .set('Sec-Fetch-Site', 'cross-site');
      expect(answer.status).toBe(403);
      expect((await adminView(colleague.id)).twoFactor.methods).toEqual(['totp']);
    });

    it('has no edit or delete of users anywhere', async () => {
      for (const action of ['edit', 'delete']) {
        const answer = await api(panel, `users/records/${colleague.id}/${action}`);
        expect(answer.body.record?.params ?? {}).toEqual({});
      }
    });

    it('creates a user whose password is hashed by the product and signs in at the API', async () => {
      const email = `panel-made-${Date.now()}@example.com`;
      const created = await panel
        .post('/admin/api/resources/users/actions/new')
        .set('Sec-Fetch-Site', 'same-origin')
        .field('email', email)
        .field('name', 'Made in the panel')
        .field('password', 'a-long-enough-password')
        .field('role', 'member')
        .then(keep);
      expect(created.status).toBe(200);
      expect(created.body.record.params.email).toBe(email);
      expect(created.body.record.params.password).toBeUndefined();
      await signIn(t, { email, password: 'a-long-enough-password' });
    });

    it('S4: a 2FA reset of the administrator ends the panel session too', async () => {
      const own = panelClient(t);
      const other = await userWithApp(t, 'admin', admin.accountId);
      expect(await signInToPanel(t, own, other)).toBe('/admin');
      expect((await api(own, 'users/actions/list')).status).toBe(200);
      const reset = await act(panel, `users/records/${other.id}/resetTwoFactor`);
      expect(reset.body.notice.type).toBe('success');
      expect(reset.body.record.params.twoFactor).toBe('—');
      expect((await api(own, 'users/actions/list')).status).toBe(401);
    });

    describe('a fresh account: dashboard, policy page, disabling, audit', () => {
      let owner: UserWithApp;
      let own: TestAgent;
      const page = (agent: TestAgent, path: string) =>
        agent.get(`/admin/api/${path}`).set('Sec-Fetch-Site', 'same-origin').then(keep);
      const setPolicy = (agent: TestAgent, body: object) =>
        agent
          .post('/admin/api/pages/two-factor-policy')
          .set('Sec-Fetch-Site', 'same-origin')
          .send(body)
          .then(keep);

      beforeAll(async () => {
        owner = await userWithApp(t, 'admin');
        own = panelClient(t);
        expect(await signInToPanel(t, own, owner)).toBe('/admin');
      });

      it("the dashboard counts the account's users by method, those without one, lockouts and resets over 30 days, and the policy", async () => {
        await userWithMethods(t, ['email'], { accountId: owner.accountId });
        const bare = await createUser(t, owner.accountId, 'member');
        const gone = await createUser(t, owner.accountId, 'member');
        // Another account's events and users count nowhere here.
        const lockedOut = await userWithApp(t, 'member', owner.accountId);
        const audit = t.app.get(AuditService);
        await audit.record({ type: 'two_factor.locked_out', user: lockedOut });
        await audit.record({ type: 'two_factor.locked_out', user: stranger });
        const reset = await act(own, `users/records/${lockedOut.id}/resetTwoFactor`);
        expect(reset.body.notice.type).toBe('success');
        const disabled = await act(own, `users/records/${gone.id}/disable`);
        expect(disabled.body.notice.type).toBe('success');

        const home = await page(own, 'dashboard');
        expect(home.status).toBe(200);
        // owner: totp; one with email; bare and lockedOut (reset) without; gone is disabled.
        expect(home.body.users).toBe(4);
        expect(home.body.byMethod).toEqual(
          expect.arrayContaining([
            { method: 'totp', name: 'Authenticator app', users: 1 },
            { method: 'email', name: 'Email', users: 1 },
          ]),
        );
        expect(home.body.policy).toEqual({
          twoFactorRequired: false,
          enforced: false,
          mandatoryFrom: null,
          withoutMethod: 2,
        });
        expect(home.body.days).toHaveLength(30);
        const today = home.body.days.at(-1);
        expect(today).toEqual({
          day: t.clock.now().toISOString().slice(0, 10),
          lockouts: 1,
          resets: 1,
        });
        const totals = (home.body.days as { lockouts: number; resets: number }[]).reduce(
          (sum, day) => sum + day.lockouts + day.resets,
          0,
        );
        expect(totals).toBe(2);
        expect(bare.id).toBeDefined();
      });

      it('A4/A6: the policy page reads with GET and changes only by its POST, audited, saying how many go to setup', async () => {
        const before = await page(own, 'pages/two-factor-policy');
        expect(before.body.policy.twoFactorRequired).toBe(false);
        expect(before.body.policy.withoutMethod).toBeGreaterThan(0);
        expect(before.body.text.label).toBe(
          'Make two-factor authentication mandatory for all users',
        );
        for (const body of [{}, { twoFactorRequired: 'maybe' }, { twoFactorRequired: 1 }]) {
          const refused = await setPolicy(own, body);
          expect([JSON.stringify(body), refused.status, refused.body.code]).toEqual([
            JSON.stringify(body),
            400,
            'VALIDATION_FAILED',
          ]);
        }
        const crossSite = await own
          .post('/admin/api/pages/two-factor-policy')
          .set('Origin', 'https://evil.example')
          .send({ twoFactorRequired: true });
        expect([crossSite.status, crossSite.body.code]).toEqual([403, 'FORBIDDEN']);
        expect((await page(own, 'pages/two-factor-policy')).body.policy.twoFactorRequired).toBe(
          false,
        );

        const on = await setPolicy(own, { twoFactorRequired: true });
        expect(on.status).toBe(200);
        expect(on.body.policy).toMatchObject({ twoFactorRequired: true, enforced: true });
        expect(on.body.notice.type).toBe('success');
        const { accessToken } = await signInWithApp(t, owner, owner.secret);
        const events = await t
          .as(accessToken)
          .get('/api/admin/audit-events?type=policy.changed')
          .expect(200);
        expect(events.body.items[0]).toMatchObject({ actorId: owner.id });
        const off = await setPolicy(own, { twoFactorRequired: 'false' });
        expect(off.body.policy.twoFactorRequired).toBe(false);
      });

      it('P3: disabling in the panel ends the user’s sessions and refuses their password like a wrong one; enabling lets them back', async () => {
        const member = await userWithApp(t, 'member', owner.accountId);
        const session = await signInWithApp(t, member, member.secret);
        const shown = await api(own, `users/records/${member.id}/show`);
        expect(shown.body.record.params).toMatchObject({
          status: 'Active',
          lastSignIn: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
        });

        const disabled = await act(own, `users/records/${member.id}/disable`);
        expect(disabled.body.notice.type).toBe('success');
        expect(disabled.body.record.params.status).toBe('Disabled');
        await t.as(session.accessToken).get('/api/me').expect(401);
        await t.http
          .post('/api/auth/refresh')
          .send({ refreshToken: session.refreshToken })
          .expect(401);
        const right = await t.http
          .post('/api/auth/login')
          .send({ email: member.email, password: member.password });
        const wrong = await t.http
          .post('/api/auth/login')
          .send({ email: member.email, password: 'not-the-password' });
        expect([right.status, right.body]).toEqual([wrong.status, wrong.body]);
        const panelOfMember = await panelClient(t)
          .post('/admin/login')
          .type('form')
          .send({ email: member.email, password: member.password });
        expect(panelOfMember.headers.location).toBe('/admin/login');

        const enabled = await act(own, `users/records/${member.id}/enable`);
        expect(enabled.body.record.params.status).toBe('Active');
        await signInWithApp(t, member, member.secret);
      });

      it('offers Disable to nobody for themselves, Enable only to the disabled, Reset 2FA only to users with a method', async () => {
        const bare = await createUser(t, owner.accountId, 'member');
        const actionsOf = async (id: string) => {
          const shown = await api(own, `users/records/${id}/show`);
          return (shown.body.record.recordActions as { name: string }[]).map(
            (action) => action.name,
          );
        };
        expect(await actionsOf(owner.id)).not.toContain('disable');
        expect(await actionsOf(owner.id)).toContain('resetTwoFactor');
        expect(await actionsOf(bare.id)).toEqual(expect.arrayContaining(['show', 'disable']));
        expect(await actionsOf(bare.id)).not.toContain('resetTwoFactor');
        expect(await actionsOf(bare.id)).not.toContain('enable');
        const self = await act(own, `users/records/${owner.id}/disable`);
        expect(self.status).toBe(403);
        expect(self.body.code).toBe('FORBIDDEN');
        await act(own, `users/records/${bare.id}/disable`);
        expect(await actionsOf(bare.id)).toContain('enable');
        expect(await actionsOf(bare.id)).not.toContain('disable');
      });

      it('audit events name user and actor by name and email, show times in UTC, open one by one, and filter by email', async () => {
        const member = await createUser(t, owner.accountId, 'member');
        await act(own, `users/records/${member.id}/disable`);
        const list = await api(
          own,
          `audit-events/actions/list?filters.userEmail=${encodeURIComponent(member.email.toUpperCase())}`,
        );
        expect(list.body.records).toHaveLength(1);
        const [event] = list.body.records as { id: string; params: Record<string, string> }[];
        expect(event.params).toMatchObject({
          type: 'user.disabled',
          user: `Test member <${member.email}>`,
          actor: `Test admin <${owner.email}>`,
          when: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
        });
        expect(event.params).not.toHaveProperty('userId');
        const detail = await api(own, `audit-events/records/${event.id}/show`);
        expect(detail.body.record.params).toMatchObject({
          type: 'user.disabled',
          ip: expect.any(String),
        });
        // Another id: the last hex digit changed (never to itself).
        const otherId = event.id.replace(/.$/, (last) => (last === '0' ? '1' : '0'));
        const foreign = await api(own, `audit-events/records/${otherId}/show`);
        expect(foreign.body.record?.params ?? {}).toEqual({});
        const nobody = await api(
          own,
          'audit-events/actions/list?filters.userEmail=nobody@example.com',
        );
        expect([nobody.body.records, nobody.body.meta.total]).toEqual([[], 0]);
      });
    });

    describe('A6: no state change on GET; changes take POST from the panel', () => {
      /** The headers a browser sends for an <img>, a link and the panel's own script calls. */
      const FETCHES = {
        image: {
          'Sec-Fetch-Site': 'same-site',
          'Sec-Fetch-Mode': 'no-cors',
          'Sec-Fetch-Dest': 'image',
        },
        link: {
          'Sec-Fetch-Site': 'same-site',
          'Sec-Fetch-Mode': 'navigate',
          'Sec-Fetch-Dest': 'document',
        },
        sameOrigin: {
          'Sec-Fetch-Site': 'same-origin',
          'Sec-Fetch-Mode': 'cors',
          'Sec-Fetch-Dest': 'empty',
        },
      };
      /** The same route spelled as Express may still route it, and as it may not. */
      const spellings = (resource: string, id: string, action: string) => [
        `/admin/api/resources/${resource}/records/${id}/${action}`,
        `/admin/API/resources/${resource}/records/${id}/${action}`,
        `/admin/Api/Resources/${resource}/Records/${id}/${action}`,
        `/ADMIN/api/resources/${resource}/records/${id}/${action}`,
        `/admin/%61pi/resources/${resource}/records/${id}/${action}`,
        `/admin/api/resources/${encodeAll(resource)}/records/${id}/${encodeAll(action)}`,
        `/admin/api/resources/${resource}/records/${id}/${action}/`,
        `/admin//api/resources/${resource}/records/${id}/${action}`,
        `/admin/api/resources/${resource}/records/${id}/${action}?method=post`,
      ];
      const encodeAll = (text: string) =>
        [...text].map((char) => `%${char.charCodeAt(0).toString(16)}`).join('');

      it('A6: same-site and same-origin GETs and HEADs of reset, disable, the policy page and the dashboard, in any spelling, change nothing', async () => {
        const target = await userWithApp(t, 'member', admin.accountId);
        const routes = [
          ...spellings('users', target.id, 'resetTwoFactor'),
          ...spellings('users', target.id, 'disable'),
          '/admin/api/pages/two-factor-policy',
          '/admin/API/Pages/two-factor-policy',
          '/admin/api/pages/two-factor-policy?twoFactorRequired=true',
          '/admin/api/dashboard',
        ];
        for (const path of routes) {
          for (const [fetch, headers] of Object.entries(FETCHES)) {
            for (const method of ['get', 'head'] as const) {
              const answer = await panel[method](path).set(headers);
              expect([path, fetch, method, answer.status < 500]).toEqual([
                path,
                fetch,
                method,
                true,
              ]);
              if (fetch === 'image') expect([path, answer.status]).toEqual([path, 403]);
            }
          }
        }
        expect((await adminView(target.id)).twoFactor.methods).toEqual(['totp']);
        await signIn(t, target);
        const { accessToken } = await signInWithApp(t, admin, admin.secret);
        const policy = await t.as(accessToken).get('/api/admin/policy').expect(200);
        expect(policy.body.twoFactorRequired).toBe(false);
        const events = await t.as(accessToken).get('/api/admin/audit-events?type=policy.changed');
        expect(events.body.items).toEqual([]);
        for (const type of ['two_factor.reset', 'user.disabled']) {
          const events = await t
            .as(accessToken)
            .get(`/api/admin/audit-events?type=${type}&userId=${target.id}`);
          expect([type, events.body.items]).toEqual([type, []]);
        }
      });

      it('A6: a POST without Origin, or from another origin, is refused and changes nothing', async () => {
        const target = await userWithApp(t, 'member', admin.accountId);
        const path = `/admin/api/resources/users/records/${target.id}/resetTwoFactor`;
        const origins = [
          null,
          'null',
          'https://evil.example',
          `${panelOrigin(t)}.evil.example`,
          panelOrigin(t).replace('http:', 'https:'),
        ];
        for (const origin of origins) {
          let call = panel.post(path).set('Sec-Fetch-Site', 'same-origin');
          call = origin === null ? call.unset('Origin') : call.set('Origin', origin);
          const answer = await call.send({});
          expect([origin, answer.status, answer.body.code]).toEqual([origin, 403, 'FORBIDDEN']);
        }
        const signOut = await panel.post('/admin/logout').set('Origin', 'https://evil.example');
        expect(signOut.status).toBe(403);
        expect((await api(panel, 'users/actions/list')).status).toBe(200);
        expect((await adminView(target.id)).twoFactor.methods).toEqual(['totp']);

        const reset = await act(panel, `users/records/${target.id}/resetTwoFactor`);
        expect(reset.body.notice).toMatchObject({ type: 'success' });
        expect((await adminView(target.id)).twoFactor.methods).toEqual([]);
      });

      it('A6: a GET of /admin/logout signs nobody out; its page posts the sign-out', async () => {
        const own = panelClient(t);
        const other = await userWithApp(t, 'admin', admin.accountId);
        expect(await signInToPanel(t, own, other)).toBe('/admin');
        const page = await own.get('/admin/logout').expect(200);
        expect(page.text).toMatch(/<form method="post" action="\/admin\/logout">/);
        expect((await api(own, 'users/actions/list')).status).toBe(200);
        await own.post('/admin/logout').expect(302);
        expect((await api(own, 'users/actions/list')).status).toBe(401);
      });
    });

    describe('I5: bad input under /admin answers 4xx with a code, never 5xx', () => {
      it('I5: bad paging, filters, ids, resources and actions answer 4xx with a code and log no error', async () => {
        const before = t.logs.lines.length;
        const paths = [
          'users/actions/list?page=-1',
          'users/actions/list?page=1.5',
          'users/actions/list?page=99999999',
          'users/actions/list?perPage=-5',
          'users/actions/list?perPage=abc',
          'users/actions/list?perPage=0.5',
          'users/actions/list?perPage=101',
          'users/actions/list?filters.twoFactorStatus=sometimes',
          `users/actions/list?filters.email=${'a'.repeat(300)}`,
          `users/search/${'a'.repeat(300)}`,
          `audit-events/actions/list?filters.userEmail=${'a'.repeat(300)}`,
          'audit-events/actions/list?filters.type=no.such_event',
          'no-such-resource/actions/list',
          'No-Such/records/x/show',
          'users/actions/no-such-action',
          `users/records/${colleague.id}/no-such-action`,
          'users/actions/new',
          'users/bulk/bulkDelete',
          'users/actions/disable',
          `users/records/${colleague.id}/list`,
          'users/records/%E0%A4%A/show',
          'users/actions/list?filters.constructor=x',
        ];
        for (const path of paths) {
          const answer = await api(panel, path);
          expect([path, answer.status >= 400 && answer.status < 500]).toEqual([path, true]);
          expect([path, answer.body.code]).toEqual([path, expect.stringMatching(/^[A-Z_]+$/)]);
        }
        for (const [page, status] of [
          ['/admin/resources/no-such-resource', 404],
          ['/admin/resources/users/actions/nope', 404],
          ['/admin/resources/users/bulk/bulkDelete', 400],
          ['/admin/pages/nope', 404],
        ] as const) {
          expect([page, (await panel.get(page)).status]).toEqual([page, status]);
        }
        const field = await panel
          .post(`/admin/api/resources/users/records/${colleague.id}/show`)
          .type('form')
          .send({ constructor: 'x' });
        expect([field.status, field.body.code]).toEqual([400, 'VALIDATION_FAILED']);
        const errors = t.logs.lines.slice(before).filter((line) => line.startsWith('error'));
        expect(errors).toEqual([]);
      });

      it('I5: oversized forms answer 413, whatever route they are sent to', async () => {
        const big = 'x'.repeat(20 * 1024);
        const signIn = await panelClient(t)
          .post('/admin/login')
          .type('form')
          .send({ email: 'a@example.com', password: big });
        expect(signIn.status).toBe(413);
        const created = await panel
          .post('/admin/api/resources/users/actions/new')
          .set('Sec-Fetch-Site', 'same-origin')
          .field('email', 'big@example.com')
          .field('name', big);
        expect([created.status, created.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
        const json = await panel
          .post(`/admin/api/resources/users/records/${colleague.id}/resetTwoFactor`)
          .set('Sec-Fetch-Site', 'same-origin')
          .send({ padding: big });
        expect([json.status, json.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
        expect((await adminView(colleague.id)).twoFactor.methods).toEqual(['totp']);
      });

      it('I5: a malformed gk_panel_device cookie at sign-in answers 400, never 500', async () => {
        const answer = await panelClient(t)
          .post('/admin/login')
          .set('Cookie', 'gk_panel_device=%E0%A4%A')
          .type('form')
          .send({ email: admin.email, password: admin.password });
        expect(answer.status).toBe(400);
        expect(answer.text).toContain('gk_panel_device cookie is malformed');
      });

      it('I5: the new-user form shows a refusal of the product as an error and creates nothing', async () => {
        const create = (fields: Record<string, string>) => {
          let call = panel
            .post('/admin/api/resources/users/actions/new')
            .set('Sec-Fetch-Site', 'same-origin');
          for (const [name, value] of Object.entries(fields)) call = call.field(name, value);
          return call.then(keep);
        };
        const taken = await create({
          email: colleague.email,
          name: 'Twin',
          password: 'a-long-enough-password',
          role: 'member',
        });
        expect(taken.body.notice).toMatchObject({ type: 'error' });
        expect(taken.body.record.errors.email.message).toMatch(/already/i);
        expect(taken.body.redirectUrl).toBeUndefined();

        const email = `invalid-${Date.now()}@example.com`;
        const invalid = await create({ email, name: '', password: 'short', role: 'owner' });
        expect(invalid.body.notice).toMatchObject({ type: 'error' });
        expect(Object.keys(invalid.body.record.errors).sort()).toEqual([
          'name',
          'password',
          'role',
        ]);
        const search = await api(panel, `users/actions/list?filters.email=${email}`);
        expect(search.body.records).toEqual([]);
      });
    });

    it("A5: the panel's CSP allows no inline script but its own, by a nonce per page", async () => {
      const pages = [
        await panel.get('/admin/resources/users'),
        await panel.get('/admin/resources/users'),
      ];
      const nonces = pages.map((page) => {
        expect(page.status).toBe(200);
        const csp = String(page.headers['content-security-policy']);
        const scriptSrc = /script-src ([^;]*)/.exec(csp)![1];
        expect(scriptSrc).not.toContain('unsafe-inline');
        const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1];
        const inline = page.text.match(/<script(?![^>]*\bsrc=)[^>]*>/g)!;
        expect(inline.length).toBeGreaterThan(0);
        for (const tag of inline) expect(tag).toBe(`<script nonce="${nonce}">`);
        return nonce;
      });
      expect(nonces[0]).not.toBe(nonces[1]);
    });

    it('no panel answer holds a hash, secret or token', () => {
      const everything = answers.join('\n');
      for (const secret of [admin.secret, colleague.secret, stranger.secret]) {
        expect(everything).not.toContain(secret);
      }
      expect(everything).not.toMatch(
        /\$argon2|passwordHash|tokenHash|codeHash|secret"|refreshToken|accessToken/i,
      );
    });
  });

  /** The claims of the product session a panel session holds, by the panel cookie. */
  async function productSessionOf(cookieValue: string): Promise<AccessClaims> {
    return (JSON.parse(await panelSessionRow(cookieValue)) as { access: AccessClaims }).access;
  }

  /** The stored data of the panel session a `gk_panel` cookie names. */
  async function panelSessionRow(cookie: string): Promise<string> {
    const id = /^(?:gk_panel=)?s%3A([^.]+)\./.exec(cookie)![1];
    const row = await t.app
      .get<Repository<WebSession>>(getRepositoryToken(WebSession))
      .findOneByOrFail({ id });
    return row.data;
  }

  /** The user as the JSON API shows them to an administrator of their account. */
  async function adminView(userId: string, ofAccount: UserWithApp = admin) {
    const owner = ofAccount === admin ? admin : await userWithApp(t, 'admin', ofAccount.accountId);
    const { accessToken } = await signInWithApp(t, owner, owner.secret);
    const answer = await t.as(accessToken).get(`/api/admin/users/${userId}`).expect(200);
    return answer.body as { twoFactor: { methods: string[] } };
  }
});

describe("B4: the panel's sign-in forms", () => {
  let t: TestApp;
  beforeAll(() => startPanelApp({ RATE_LIMIT_PER_MINUTE: '3' }).then((app) => (t = app)), 60_000);
  afterAll(() => t.close());

  it('B4: the 4th sign-in POST in a minute from one IP answers 429 with Retry-After; the API login counts apart', async () => {
    const user = await createAccountWithUser(t, 'admin');
    const guess = { email: user.email, password: 'wrong-password-1' };
    for (let i = 0; i < 3; i++) {
      expect((await panelClient(t).post('/admin/login').type('form').send(guess)).status).not.toBe(
        429,
      );
    }
    const refused = await panelClient(t).post('/admin/login').type('form').send(guess);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.text).toContain('Too many attempts');

    await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
  });
});

describe('The platform date on the policy page and the dashboard', () => {
  let t: TestApp;
  beforeAll(
    () => startPanelApp({ TWO_FACTOR_MANDATORY_FROM: '2099-01-31' }).then((app) => (t = app)),
    60_000,
  );
  afterAll(() => t.close());

  it('shows the coming TWO_FACTOR_MANDATORY_FROM beside the account’s own switch', async () => {
    const admin = await userWithApp(t, 'admin');
    const panel = panelClient(t);
    expect(await signInToPanel(t, panel, admin)).toBe('/admin');
    const expected = {
      twoFactorRequired: false,
      enforced: false,
      mandatoryFrom: '2099-01-31T00:00:00.000Z',
      withoutMethod: 0,
    };
    for (const path of ['pages/two-factor-policy', 'dashboard']) {
      const answer = await panel.get(`/admin/api/${path}`).set('Sec-Fetch-Site', 'same-origin');
      expect([path, answer.body.policy]).toEqual([path, expected]);
    }
  });
});
