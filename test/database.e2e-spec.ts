import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
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
      const proxy = new TcpProxy(new URL(process.env.E2E_DATABASE_URL!));
      const port = await proxy.listen(0);
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

/** Stands between the app and MariaDB so a test can take the database away and bring it back. */
class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: URL) {}

  listen(port: number): Promise<number> {
    if (this.server) return Promise.resolve(port);
    const server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 3306), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve) =>
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
