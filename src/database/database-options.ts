import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from 'src/config/app-config';
import { MARIADB_MIGRATIONS } from './migrations';
import { AmbientTransactionGuard } from './transactions';

/** Without `entities`: the app loads each module's own (autoLoadEntities); the CLI passes a glob. */
export function dataSourceOptions(
  database: DatabaseConfig,
  entities: string[] = [],
): DataSourceOptions {
  if (database.kind === 'sqlite') {
    return {
      type: 'better-sqlite3',
      database: database.url,
      entities,
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
    entities,
    migrations: MARIADB_MIGRATIONS,
    synchronize: false,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    connectTimeout: 5000,
    logger: new AmbientTransactionGuard(),
    extra: { connectionLimit: 10 },
  };
}
