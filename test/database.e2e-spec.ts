import { DataSource } from 'typeorm';
import { createAccountWithUser, signIn } from './support/factories';
import { TcpProxy } from './support/tcp';
import { startTestApp } from './support/test-app';

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
});
