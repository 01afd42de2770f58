import type { DataSource } from 'typeorm';

const WAIT_SECONDS = 60;

/**
 * C1: runs `work` while holding a named lock of the database server (MariaDB/MySQL
 * `GET_LOCK`, held by one connection), so instances started together take turns at what must
 * happen once: migrations, creating the first administrator. The embedded SQLite database
 * belongs to one process, so there is nothing to take turns with.
 */
export async function withDatabaseLock<T>(
  dataSource: DataSource,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  if (dataSource.options.type === 'better-sqlite3') return work();
  const runner = dataSource.createQueryRunner();
  try {
    const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [
      name,
      WAIT_SECONDS,
    ])) as { acquired: number | string | null }[];
    if (Number(row?.acquired) !== 1) {
      throw new Error(`waited ${WAIT_SECONDS} s for the database lock "${name}"`);
    }
    return await work();
  } finally {
    await runner.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
    await runner.release();
  }
}
