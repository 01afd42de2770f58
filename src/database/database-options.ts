import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from 'src/config/app-config';
import { ENTITIES } from './entities';
import { MARIADB_MIGRATIONS } from './migrations';

export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  if (database.kind === 'sqlite') {
    return {
      type: 'better-sqlite3',
      database: database.url,
      entities: ENTITIES,
      synchronize: database.synchronize,
      // WAL lets the health check and requests read while a write is in flight; with WAL,
      // synchronous=NORMAL is still crash-safe and keeps each commit from blocking on fsync.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  return {
    type: 'mariadb',
    url: database.url,
    entities: ENTITIES,
    migrations: MARIADB_MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    connectTimeout: 5000,
    extra: { connectionLimit: 10 },
  };
}
