import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/**
 * E2E_DATABASE_URL=mysql://root@127.0.0.1:3306/gk_e2e runs the suite on MariaDB/MySQL:
 * each app gets its own throwaway database on that server. Unset: a fresh SQLite file.
 */
export async function freshDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.E2E_DATABASE_URL;
  if (!server) {
    const dir = mkdtempSync(join(tmpdir(), 'gatekeeper-e2e-'));
    return { url: `sqlite:${join(dir, 'db.sqlite')}`, drop: () => Promise.resolve() };
  }
  const parsed = new URL(server);
  const name = `${parsed.pathname.slice(1) || 'gk_e2e'}_${randomBytes(4).toString('hex')}`;
  const admin = () =>
    createConnection({
      host: parsed.hostname,
      port: Number(parsed.port || 3306),
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
    });
  const connection = await admin();
  await connection.query(
    `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  await connection.end();
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    drop: async () => {
      const dropper = await admin();
      await dropper.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await dropper.end();
    },
  };
}
