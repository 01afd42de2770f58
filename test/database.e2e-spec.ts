import { DataSource } from 'typeorm';
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
    'health answers 503 while the database is away and recovers by itself',
    async () => {
      const database = new URL(process.env.E2E_DATABASE_URL!);
      const proxy = new TcpProxy({ host: database.hostname, port: Number(database.port || 3306) });
      const port = await proxy.listen();
      const t = await startTestApp({}, (url) => {
        const viaProxy = new URL(url);
        viaProxy.host = `127.0.0.1:${port}`;
        return viaProxy.toString();
      });
      try {
        await t.http.get('/api/health').expect(200);
        await proxy.close();
        const down = await t.http.get('/api/health');
        expect(down.status).toBe(503);
        expect(down.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE', database: 'down' });
        await proxy.listen(port);
        const recovered = await t.http.get('/api/health');
        expect(recovered.status).toBe(200);
      } finally {
        await proxy.listen(port).catch(() => undefined);
        await t.close();
        await proxy.close();
      }
    },
  );
});
