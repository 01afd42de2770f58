import type { EntityManager } from 'typeorm';
import { joinAmbient } from './transactions';

export type SqlValue = string | number | boolean | Date | null;

/*
 * Hand-written statements for the paths every request or sign-in takes (the guard, login,
 * second-factor verify), where building the query with TypeORM costs more CPU than running it.
 * They are written in the SQL that SQLite and MariaDB/MySQL share (unquoted identifiers that
 * are no keyword, `?` placeholders). Every value is bound (TypeORM writes numbers into SQLite's
 * SQL text), so SQLite's statement cache serves each statement from one prepared copy.
 */

/** The rows as the driver answers them, without entity hydration (see `sqlDate`). */
export async function sqlRows<T>(
  manager: EntityManager,
  sql: string,
  values: readonly SqlValue[],
): Promise<T[]> {
  return (await run(manager, sql, values)).records as T[];
}

/** The number of rows an UPDATE, DELETE or INSERT changed (matched, on MariaDB/MySQL). */
export async function sqlAffected(
  manager: EntityManager,
  sql: string,
  values: readonly SqlValue[],
): Promise<number> {
  return (await run(manager, sql, values)).affected ?? 0;
}

/**
 * `INSERT` that skips a row whose key exists (affecting 0 rows): the two databases spell it
 * differently, the rest of the statement is shared.
 */
export function insertIgnoringDuplicates(manager: EntityManager): string {
  return onSqlite(manager) ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
}

/** A datetime column as read: a Date from MariaDB/MySQL, UTC text from SQLite. */
export function sqlDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}

async function run(given: EntityManager, sql: string, values: readonly SqlValue[]) {
  const manager = joinAmbient(given);
  const sqlite = onSqlite(manager);
  // Inside a transaction, its runner; otherwise one from the pool, as manager.query does.
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return await runner.query(
      sql,
      values.map((value) => bind(value, sqlite)),
      true,
    );
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/** As TypeORM binds them: SQLite stores datetimes as UTC text and booleans as 0/1. */
function bind(value: SqlValue, sqlite: boolean): string | number | Date | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date && sqlite) {
    return value.toISOString().replace('T', ' ').replace('Z', '');
  }
  return value;
}

function onSqlite(manager: EntityManager): boolean {
  return manager.connection.options.type === 'better-sqlite3';
}
