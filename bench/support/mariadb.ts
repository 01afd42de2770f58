import { createConnection, type Connection } from 'mysql2/promise';

export interface BenchDatabase {
  /** The URL with the database name, for the server. */
  url: string;
  name: string;
  /** A connection to the bench database (UTC, as the product's pool). */
  connect(): Promise<Connection>;
  recreate(): Promise<void>;
  drop(): Promise<void>;
}

/** Whatever the URL names is dropped and recreated, so the name must look like a scratch one. */
const SCRATCH_NAME = /^[A-Za-z0-9_]+$/;

export function benchDatabase(url: string): BenchDatabase {
  const parsed = new URL(url);
  const name = parsed.pathname.slice(1);
  if (!SCRATCH_NAME.test(name)) throw new Error(`unusable database name in ${url}`);
  const server = {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    timezone: 'Z',
  };
  const onServer = async (sql: string): Promise<void> => {
    const connection = await createConnection(server);
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  return {
    url,
    name,
    connect: () => createConnection({ ...server, database: name }),
    async recreate() {
      await onServer(`DROP DATABASE IF EXISTS \`${name}\``);
      // The charset the product's e2e databases use; the migrations inherit it.
      await onServer(
        `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
    },
    drop: () => onServer(`DROP DATABASE IF EXISTS \`${name}\``),
  };
}
