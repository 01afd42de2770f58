import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  AbstractLogger,
  DataSource,
  type QueryRunner,
  type EntityManager,
  type ObjectLiteral,
  type Repository,
  type SelectQueryBuilder,
} from 'typeorm';

/** The transaction `Transactions.atomically` opened for the work running in this async context. */
const ambient = new AsyncLocalStorage<EntityManager>();

/** MariaDB/MySQL's ER_LOCK_DEADLOCK: InnoDB rolled the whole transaction back; it may run again. */
const DEADLOCK = 1213;
const DEADLOCK_RETRIES = 3;

/**
 * The manager a statement should run on: the ambient transaction's when one is open on the same
 * database, `manager` otherwise. Statements of `sql.ts` take it on their own; a repository call
 * on a path that runs atomically goes through `ambientRepository`. One that does not would wait
 * for a second pooled connection while holding the first: under load, a pool deadlock.
 */
export function joinAmbient(manager: EntityManager): EntityManager {
  const open = ambient.getStore();
  return open && open.connection === manager.connection ? open : manager;
}

/**
 * TypeORM's logger sees every query with the runner it runs on: one that escapes the ambient
 * transaction of its own request fails at once, so a missed `ambientRepository` shows in any test
 * on MariaDB/MySQL rather than as a pool deadlock under load.
 */
export class AmbientTransactionGuard extends AbstractLogger {
  override logQuery(_query: string, _parameters?: unknown[], queryRunner?: QueryRunner): void {
    const open = ambient.getStore();
    if (open?.queryRunner && queryRunner && queryRunner !== open.queryRunner) {
      if (queryRunner.connection === open.connection) {
        throw new Error('A query of an atomic use case ran outside its transaction');
      }
    }
  }

  /** Nothing else is logged: the app logs its own way. */
  protected writeLog(): void {}
}

/** `repository`, or the same repository on the ambient transaction when one is open. */
export function ambientRepository<T extends ObjectLiteral>(
  repository: Repository<T>,
): Repository<T> {
  const manager = joinAmbient(repository.manager);
  return manager === repository.manager ? repository : manager.getRepository(repository.target);
}

async function withDeadlockRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      const errno = (error as { driverError?: { errno?: number } }).driverError?.errno;
      if (errno !== DEADLOCK || tries >= DEADLOCK_RETRIES) throw error;
    }
  }
}

/**
 * InnoDB may also pick a statement that runs on its own (autocommit) as a deadlock victim: two
 * lone statements locking rows of one table through different indexes can wait on each other.
 * It rolled back that statement alone, so running it again is safe, and a client gets its answer
 * instead of a 500. Inside a transaction the whole unit was rolled back, so only its owner
 * (`atomically`) may run it again. Every statement passes through a runner made here.
 */
export function retryLoneStatementsOnDeadlock(dataSource: DataSource): void {
  const { driver } = dataSource;
  const createRunner = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => {
    const runner = createRunner(mode);
    const query = runner.query.bind(runner);
    runner.query = ((...args: Parameters<QueryRunner['query']>) =>
      runner.isTransactionActive
        ? query(...args)
        : withDeadlockRetry(() => query(...args))) as QueryRunner['query'];
    return runner;
  };
}

/**
 * Transactions that decide something under a row lock (`SELECT … FOR UPDATE` on MariaDB/MySQL).
 * The embedded SQLite database has one connection shared by every request, where two open
 * transactions would nest and it has no row locks, so there they run one after another.
 * On MariaDB/MySQL a unit of work InnoDB rolls back to break a deadlock runs again, so `work`
 * must have no effect outside the database.
 */
@Injectable()
export class Transactions {
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.onSqlite) return withDeadlockRetry(() => this.dataSource.transaction(work));
    const turn = this.sqliteQueue.then(() => this.dataSource.transaction(work));
    this.sqliteQueue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Runs a use case whose statements each decide one guarantee by themselves (conditional
   * UPDATEs) so that, on MariaDB/MySQL, they commit once instead of once each: a verification
   * waits on one commit, not eight. `work` must not throw after it has written (a refusal that
   * counted an attempt is answered, not thrown) and, as in `run`, must have no effect outside
   * the database. On SQLite, where every request shares one connection and writes are
   * serialised anyway, the statements run as they are.
   */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    if (this.onSqlite) return work();
    return withDeadlockRetry(() =>
      this.dataSource.transaction((manager) => ambient.run(manager, work)),
    );
  }

  /** The query's rows stay locked until the transaction ends (on SQLite `run` already serialises). */
  forUpdate<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return this.onSqlite ? query : query.setLock('pessimistic_write');
  }

  private get onSqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }
}
