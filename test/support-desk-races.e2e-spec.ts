import { DataSource } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { inParallel, statusCounts } from './support/parallel';
import { because, supportPerson } from './support/support-staff';
import { startTestApp, type TestApp } from './support/test-app';
import { signInWithApp, startChallenge, userWithMethods } from './support/two-factor';

/**
 * H3, H4 under truly parallel requests: each "once" is one conditional UPDATE. Proves the most
 * on MariaDB (E2E_DATABASE_URL), where the requests run on several connections at once.
 */
describe('Support desk races', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('H3: one temporary code sent to eight sign-ins at once signs in once', async () => {
    const { user } = await userWithMethods(t, ['totp']);
    const support = await supportPerson(t);
    const issued = await t
      .as(support.token)
      .post(`/api/support/users/${user.id}/temporary-code`)
      .send(because(support))
      .expect(200);
    const code = issued.body.temporaryCode as string;
    const challenges = [];
    for (let i = 0; i < 8; i++) challenges.push(await startChallenge(t, user));

    const run = await inParallel(
      challenges.map(
        ({ challengeToken }) =>
          () =>
            t.http.post('/api/auth/two-factor/temporary-code').send({ challengeToken, code }),
      ),
    );
    expect(run.maxInFlight).toBeGreaterThan(4);
    expect(statusCounts(run.responses)).toEqual({ 200: 1, 401: 7 });
    const winner = run.responses.find((response) => response.status === 200)!;
    expect(winner.body.status).toBe('two_factor_setup_required');
  });

  it('H3: eight temporary codes issued at once for one user all answer, and one of them works', async () => {
    const { user } = await userWithMethods(t, ['totp']);
    const support = await supportPerson(t);
    const run = await inParallel(
      Array.from(
        { length: 8 },
        () => () =>
          t
            .as(support.token)
            .post(`/api/support/users/${user.id}/temporary-code`)
            .send(because(support)),
      ),
    );
    expect(run.maxInFlight).toBeGreaterThan(4);
    expect(statusCounts(run.responses)).toEqual({ 200: 8 });
    // Each issue replaces the code before it: whichever committed last is the one that works.
    const signIns = [];
    for (const { body } of run.responses) {
      const { challengeToken } = await startChallenge(t, user);
      signIns.push(
        (
          await t.http
            .post('/api/auth/two-factor/temporary-code')
            .send({ challengeToken, code: body.temporaryCode })
        ).status,
      );
    }
    expect(signIns.filter((status) => status === 200)).toHaveLength(1);
  });

  it('H4: ten approvals of one request by two administrators at once decide it once, and it is carried out once', async () => {
    const first = await userWithMethods(t, ['totp'], { role: 'admin' });
    const accountId = first.user.accountId;
    const second = await userWithMethods(t, ['totp'], { role: 'admin', accountId });
    const { user: member } = await userWithMethods(t, ['totp'], { accountId });
    const admins = [
      (await signInWithApp(t, first.user, first.secret)).accessToken,
      (await signInWithApp(t, second.user, second.secret)).accessToken,
    ];
    await t
      .as(admins[0])
      .put('/api/admin/policy')
      .send({ twoFactorRequired: false, supportApprovalRequired: true })
      .expect(200);
    const support = await supportPerson(t);
    const asked = await t
      .as(support.token)
      .post(`/api/support/users/${member.id}/temporary-code`)
      .send(because(support))
      .expect(200);
    const requestId = asked.body.requestId as string;

    const approvals = await inParallel(
      Array.from(
        { length: 10 },
        (_, i) => () =>
          t.as(admins[i % 2]).post(`/api/admin/support-requests/${requestId}/approve`),
      ),
    );
    expect(approvals.maxInFlight).toBeGreaterThan(4);
    expect(statusCounts(approvals.responses)).toEqual({ 200: 1, 409: 9 });
    const decided = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .countBy({ userId: member.id, type: 'support.action', detail: 'temporary_code approved' });
    expect(decided).toBe(1);

    const carried = await inParallel(
      Array.from(
        { length: 6 },
        () => () =>
          t
            .as(support.token)
            .post(`/api/support/requests/${requestId}/carry-out`)
            .send({ stepUpToken: support.stepUpToken }),
      ),
    );
    expect(carried.maxInFlight).toBeGreaterThan(3);
    expect(statusCounts(carried.responses)).toEqual({ 200: 1, 409: 5 });
  });
});
