import type { Response } from 'supertest';
import { createAccountWithUser, createUser, signIn } from './support/factories';
import { totpCode } from './support/independent-totp';
import { inParallel } from './support/parallel';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, signInWithApp, startChallenge, userWithMethods } from './support/two-factor';

/** Each race is tried this many times: on MariaDB the order of the two requests varies. */
const TRIALS = 10;

/**
 * S8: once a session is revoked, nothing issued for it works, whichever request ran first. The
 * races prove the most on MariaDB (E2E_DATABASE_URL); each trial shows its requests overlapped.
 */
describe('Session revocation against refreshes in flight', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string) => t.http.post('/api/auth/refresh').send({ refreshToken });

  /** Every token a 200 answer handed out is refused now. */
  async function expectNothingWorks(responses: Response[]): Promise<void> {
    for (const { status, body } of responses) {
      if (status !== 200 || typeof body.refreshToken !== 'string') continue;
      await t.as(body.accessToken).get('/api/me').expect(401);
      await refresh(body.refreshToken).expect(401);
    }
  }

  it('S8: two parallel refreshes with one token leave no working token', async () => {
    const user = await createAccountWithUser(t, 'member');
    for (let trial = 0; trial < TRIALS; trial++) {
      const { refreshToken } = await signIn(t, user);
      const run = await inParallel([() => refresh(refreshToken), () => refresh(refreshToken)]);
      expect(run.maxInFlight).toBe(2);
      // One wins the token; the other is reuse, which ends the session the winner got too.
      expect(run.responses.map((r) => r.status).sort()).toEqual([200, 401]);
      await expectNothingWorks(run.responses);
    }
  });

  it('S8: a refresh racing logout never outlives the logout', async () => {
    const user = await createAccountWithUser(t, 'member');
    for (let trial = 0; trial < TRIALS; trial++) {
      const { accessToken, refreshToken } = await signIn(t, user);
      const run = await inParallel([
        () => refresh(refreshToken),
        () => t.http.post('/api/auth/logout').send({ refreshToken }),
      ]);
      expect(run.maxInFlight).toBe(2);
      expect(run.responses[1].status).toBe(204);
      await t.as(accessToken).get('/api/me').expect(401);
      await expectNothingWorks(run.responses);
    }
  });

  it('P3/S8: a refresh racing the disabling of its user never outlives the disabling', async () => {
    const { user: admin, secret } = await userWithMethods(t, ['totp'], { role: 'admin' });
    const { accessToken: adminToken } = await signInWithApp(t, admin, secret);
    const user = await createUser(t, admin.accountId, 'member');
    for (let trial = 0; trial < TRIALS; trial++) {
      const { accessToken, refreshToken } = await signIn(t, user);
      const run = await inParallel([
        () => refresh(refreshToken),
        () => t.as(adminToken).post(`/api/admin/users/${user.id}/disable`),
      ]);
      expect(run.maxInFlight).toBe(2);
      expect(run.responses[1].status).toBe(200);
      await t.as(accessToken).get('/api/me').expect(401);
      await expectNothingWorks(run.responses);
      await t.as(adminToken).post(`/api/admin/users/${user.id}/enable`).expect(200);
    }
  });

  it('S8: a refresh racing the removal of its trusted device never outlives the removal', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    for (let trial = 0; trial < TRIALS; trial++) {
      nextTotpStep(t); // each trial's code is a new step (T5)
      const { challengeToken } = await startChallenge(t, user);
      const owner = await t.http
        .post('/api/auth/two-factor/verify')
        .send({
          challengeToken,
          code: totpCode(secret, t.clock.now().getTime()),
          rememberDevice: true,
        })
        .expect(200);
      const thief = await t.http
        .post('/api/auth/login')
        .send({ email: user.email, password: user.password, deviceToken: owner.body.deviceToken })
        .expect(200);
      expect(thief.body.status).toBe('authenticated');
      const [device] = (await t.as(owner.body.accessToken).get('/api/me/trusted-devices')).body;
      const run = await inParallel([
        () => refresh(thief.body.refreshToken),
        () => t.as(owner.body.accessToken).delete(`/api/me/trusted-devices/${device.id}`),
      ]);
      expect(run.maxInFlight).toBe(2);
      expect(run.responses[1].status).toBe(204);
      await t.as(thief.body.accessToken).get('/api/me').expect(401);
      await expectNothingWorks(run.responses);
      // The owner's own session did not ride on the device and carries on.
      await t.as(owner.body.accessToken).get('/api/me').expect(200);
    }
  });
});
