import { DataSource } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { sqlAffected } from 'src/database/sql';
import { ambientRepository, Transactions } from 'src/database/transactions';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, startChallenge, userWithMethods } from './support/two-factor';
import { totpCode } from './support/independent-totp';

const onMariaDb = Boolean(process.env.E2E_DATABASE_URL);

/**
 * A second-factor verification commits once on MariaDB/MySQL (Transactions.atomically): its
 * conditional statements still decide each guarantee, in one transaction. These tests show the
 * transaction's edges; the guarantees themselves are tested beside their routes.
 */
describe('Atomic use cases', () => {
  let t: TestApp;
  let transactions: Transactions;
  let audit: ReturnType<DataSource['getRepository']>;

  beforeAll(async () => {
    t = await startTestApp();
    transactions = t.app.get(Transactions);
    audit = t.app.get(DataSource).getRepository(AuditEvent);
  });
  afterAll(() => t.close());

  it('B1, B2: a refused answer is answered after its transaction commits what it counted', async () => {
    const { user, secret } = await userWithMethods(t, ['totp']);
    nextTotpStep(t);
    const { challengeToken } = await startChallenge(t, user);
    const code = totpCode(secret, t.clock.now().getTime());
    const wrong = code === '000000' ? '111111' : '000000';
    await t.http
      .post('/api/auth/two-factor/verify')
      .send({ challengeToken, code: wrong })
      .expect(401);
    expect(await audit.countBy({ userId: user.id, type: 'two_factor.failed' })).toBe(1);
    const session = await t.http
      .post('/api/auth/two-factor/verify')
      .send({ challengeToken, code })
      .expect(200);
    expect(session.body.status).toBe('authenticated');
    expect(await audit.countBy({ userId: user.id, type: 'two_factor.succeeded' })).toBe(1);
  });

  (onMariaDb ? it : it.skip)(
    'what an atomic use case wrote is undone when it fails, and kept once it returns',
    async () => {
      const write = (detail: string) =>
        sqlAffected(
          audit.manager,
          `INSERT INTO audit_events (id, type, detail, createdAt) VALUES (UUID(), 'login.failed', ?, ?)`,
          [detail, new Date()],
        );
      const failed = `atomic-failed-${Date.now()}`;
      await expect(
        transactions.atomically(async () => {
          await write(failed);
          throw new Error('the use case failed after writing');
        }),
      ).rejects.toThrow('the use case failed after writing');
      expect(await audit.countBy({ detail: failed })).toBe(0);

      const kept = `atomic-kept-${Date.now()}`;
      await transactions.atomically(() => write(kept));
      expect(await audit.countBy({ detail: kept })).toBe(1);
    },
  );

  (onMariaDb ? it : it.skip)(
    'a query that would escape its atomic use case (and wait for a second pooled connection) fails at once',
    async () => {
      await expect(transactions.atomically(() => audit.count())).rejects.toThrow(
        'outside its transaction',
      );
      await expect(
        transactions.atomically(() => ambientRepository(audit).count()),
      ).resolves.toBeGreaterThanOrEqual(0);
    },
  );
});
