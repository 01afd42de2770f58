import { DataSource } from 'typeorm';
import type { DatabaseConfig } from 'src/config/app-config';
import { dataSourceOptions } from './database-options';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Opens and closes one connection so start-up can fail with a single clear line
 * instead of a stack trace from deep inside the ORM. Returns the reason on failure.
 */
export async function checkDatabaseReachable(
  database: DatabaseConfig,
): Promise<string | undefined> {
  if (database.kind === 'sqlite' && database.url !== ':memory:') {
    mkdirSync(dirname(database.url), { recursive: true });
  }
  const probe = new DataSource({
    ...dataSourceOptions(database),
    entities: [],
    migrations: [],
    synchronize: false,
  });
  try {
    await probe.initialize();
    await probe.query('SELECT 1');
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `cannot reach the database at ${describe(database)}: ${reason}`;
  } finally {
    if (probe.isInitialized) await probe.destroy();
  }
}

/** The URL without its password, for messages. */
export function describe(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') return `sqlite:${database.url}`;
  return database.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
