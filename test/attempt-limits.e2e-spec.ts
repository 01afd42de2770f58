import { DataSource } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { inParallel, statusCounts } from './support/parallel';
import { startTestApp, type TestApp } from './support/test-app';
import { startChallenge, userWithMethods } from './support/two-factor';

/**
 * I5: the per-user counters count attempts that were checked and found wrong, never attempts
 * merely in flight, so right answers sent at once lock nobody. The wrong-guess limits themselves
 * (P6, B2, B3) are tested beside their routes. Proves the most on MariaDB (E2E_DATABASE_URL).
 */
describe('Attempt limits count only wrong answers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('I5, P6: twelve parallel re-checks with the right password all pass and lock nobody', async () => {
    const { user, token } = await userWithMethods(t, ['totp']);
    const regenerate = () =>
      t.as(token).post('/api/me/recovery-codes').send({ password: user.password });
    const run = await inParallel(Array.from({ length: 12 }, () => regenerate));
    expect(run.maxInFlight).toBeGreaterThan(5);
    expect(statusCounts(run.responses)).toEqual({ 200: 12 });
    const wrongAudited = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .countBy({ userId: user.id, type: 'password.recheck_failed' });
    expect(wrongAudited).toBe(0);
    // Nothing was counted: the right password still changes it.
    await t
      .as(token)
      .post('/api/me/password')
      .send({ currentPassword: user.password, newPassword: 'another long password' })
      .expect(204);
  });

  it('I5, B2: right codes sent in parallel after some wrong ones are all checked and lock nobody', async () => {
    const { user, token } = await userWithMethods(t, ['totp']);
    const { body } = await t
      .as(token)
      .post('/api/me/recovery-codes')
      .send({ password: user.password })
      .expect(200);
    const codes = body.codes as string[];
    const verify = (challengeToken: string, code: string, method?: string) =>
      t.http.post('/api/auth/two-factor/verify').send({ challengeToken, code, method });
    // Nine failures leave one of the ten places; eight right codes arrive at once.
    for (const failures of [5, 4]) {
      const { challengeToken } = await startChallenge(t, user);
      for (let i = 0; i < failures; i++) {
        // A challenge's fifth failure also ends it (B1): 429 rather than 401.
        expect([401, 429]).toContain((await verify(challengeToken, '000000')).status);
      }
    }
    const challenges = [];
    for (let i = 0; i < 8; i++) challenges.push(await startChallenge(t, user));
    const run = await inParallel(
      challenges.map(
        ({ challengeToken }, i) =>
          () =>
            verify(challengeToken, codes[i], 'recovery'),
      ),
    );
    expect(run.maxInFlight).toBeGreaterThan(5);
    expect(statusCounts(run.responses)).toEqual({ 200: 8 });
    // Still nine failures counted, not ten: the next right code passes.
    const last = await startChallenge(t, user);
    await verify(last.challengeToken, codes[9], 'recovery').expect(200);
  });
});
