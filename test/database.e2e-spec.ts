import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { createAccountWithUser, signIn } from './support/factories';
import { totpCode } from './support/independent-totp';
import { TcpProxy } from './support/tcp';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, startChallenge, userWithMethods } from './support/two-factor';

const onMariaDb = Boolean(process.env.E2E_DATABASE_URL);

describe('Database', () => {
  (onMariaDb ? it : it.skip)(
    'the committed migrations produce exactly the schema the entities declare',
    async () => {
      const t = await startTestApp();
      try {
        const pending = await t.app.get(DataSource).driver.createSchemaBuilder().log();
        expect(pending.upQueries.map((query) => query.query)).toEqual([]);
      } finally {
        await t.close();
      }
    },
  );

  (onMariaDb ? it : it.skip)(
    'C2: while the database is away every route answers 503 DATABASE_UNAVAILABLE at once, and all recovers by itself',
    async () => {
      const database = new URL(process.env.E2E_DATABASE_URL!);
      const proxy = new TcpProxy({ host: database.hostname, port: Number(database.port || 3306) });
      const port = await proxy.listen();
      const t = await startTestApp({}, (url) => {
        const viaProxy = new URL(url);
        viaProxy.host = `127.0.0.1:${port}`;
        return viaProxy.toString();
      });
      const user = await createAccountWithUser(t, 'member');
      const { accessToken } = await signIn(t, user);
      const login = () =>
        t.http.post('/api/auth/login').send({ email: user.email, password: user.password });
      try {
        await t.http.get('/api/health').expect(200);
        await proxy.close();
        for (const send of [
          () => t.http.get('/api/health'),
          login,
          () => t.as(accessToken).get('/api/me'),
          () => t.as(accessToken).get('/api/me/trusted-devices'),
        ]) {
          const started = Date.now();
          const down = await send();
          expect(Date.now() - started).toBeLessThan(3_000);
          expect(down.status).toBe(503);
          expect(down.body.code).toBe('DATABASE_UNAVAILABLE');
        }
        // Liveness is not readiness: an orchestrator must not restart the instance for this.
        expect((await t.http.get('/api/health/live').expect(200)).body).toEqual({ status: 'ok' });
        await proxy.listen(port);
        await t.http.get('/api/health').expect(200);
        await login().expect(200);
        await t.as(accessToken).get('/api/me').expect(200);
      } finally {
        await proxy.listen(port).catch(() => undefined);
        await t.close();
        await proxy.close();
      }
    },
  );

  (onMariaDb ? it : it.skip)(
    'S8: a statement InnoDB picks as a deadlock victim runs again instead of answering 500',
    async () => {
      const t = await startTestApp();
      const other = await createConnection((t.app.get(DataSource).options as { url: string }).url);
      try {
        const { owner, device, rows } = await twoSessionsOnOneTrustedDevice(t);
        const thieves = rows.filter((row) => row.origin === 'trusted_device').map((row) => row.id);
        // Another transaction, made the heavier so InnoDB rolls back the app's statement, locks
        // the last of the rows the removal's UPDATE scans (they are locked in key order).
        await other.query('START TRANSACTION');
        for (let i = 0; i < 20; i++) {
          await other.query(
            "INSERT INTO audit_events (id, type, createdAt) VALUES (UUID(), 'login.failed', NOW())",
          );
        }
        await other.query('SELECT id FROM refresh_tokens WHERE id = ? FOR UPDATE', [
          rows.at(-1)!.id,
        ]);
        const [[before]] = await other.query<RowDataPacket[]>(DEADLOCKS);
        const removal = t
          .as(owner)
          .delete(`/api/me/trusted-devices/${device}`)
          .then((r) => r);
        await waitForLockWait(other);
        // The cycle: this waits for the first row, which the app's UPDATE holds while it waits.
        await other.query('SELECT id FROM refresh_tokens WHERE id = ? FOR UPDATE', [rows[0].id]);
        const [[after]] = await other.query<RowDataPacket[]>(DEADLOCKS);
        expect(Number(after.Value)).toBeGreaterThan(Number(before.Value));
        await other.query('ROLLBACK');
        expect((await removal).status).toBe(204);
        const [revoked] = await other.query<RowDataPacket[]>(
          'SELECT id FROM refresh_tokens WHERE deviceId = ? AND revokedAt IS NOT NULL ORDER BY id',
          [device],
        );
        expect(revoked.map((row) => row.id as string)).toEqual(thieves);
        await t.as(owner).get('/api/me').expect(200);
      } finally {
        await other.end();
        await t.close();
      }
    },
  );
});

const DEADLOCKS = "SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'";

/**
 * A user's session that trusted a device, and two more that skipped the second factor on it:
 * the rows of that device, in key order.
 */
async function twoSessionsOnOneTrustedDevice(t: TestApp) {
  const { user, secret } = await userWithMethods(t, ['totp']);
  nextTotpStep(t);
  const { challengeToken } = await startChallenge(t, user);
  const code = totpCode(secret, t.clock.now().getTime());
  const { body } = await t.http
    .post('/api/auth/two-factor/verify')
    .send({ challengeToken, code, rememberDevice: true })
    .expect(200);
  for (let i = 0; i < 2; i++) {
    await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password, deviceToken: body.deviceToken })
      .expect(200);
  }
  const [device] = (await t.as(body.accessToken).get('/api/me/trusted-devices')).body;
  const rows = await t.app
    .get(DataSource)
    .query<{ id: string; origin: string }[]>(
      'SELECT id, origin FROM refresh_tokens WHERE deviceId = ? ORDER BY id',
      [device.id],
    );
  return {
    owner: body.accessToken as string,
    device: device.id as string,
    rows,
  };
}

/** Until a statement of another connection waits for a row lock. */
async function waitForLockWait(connection: Connection): Promise<void> {
  // INNODB_TRX is a copy InnoDB refreshes only when it was last read over 0.1 s ago.
  for (let tries = 0; tries < 50; tries++) {
    const [waiting] = await connection.query<RowDataPacket[]>(
      "SELECT 1 FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT' AND trx_mysql_thread_id <> CONNECTION_ID()",
    );
    if (waiting.length) return;
    await sleep(150);
  }
  throw new Error('no statement came to wait for the locked row');
}
