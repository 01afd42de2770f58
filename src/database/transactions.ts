import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  type EntityManager,
  type ObjectLiteral,
  type SelectQueryBuilder,
} from 'typeorm';

/**
 * Transactions that decide something under a row lock (`SELECT … FOR UPDATE` on MariaDB/MySQL).
 * The embedded SQLite database has one connection shared by every request, where two open
 * transactions would nest and it has no row locks, so there they run one after another.
 */
@Injectable()
export class Transactions {
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.onSqlite) return this.dataSource.transaction(work);
    const turn = this.sqliteQueue.then(() => this.dataSource.transaction(work));
    this.sqliteQueue = turn.catch(() => undefined);
    return turn;
  }

  /** The query's rows stay locked until the transaction ends (on SQLite `run` already serialises). */
  forUpdate<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return this.onSqlite ? query : query.setLock('pessimistic_write');
  }

  private get onSqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }
}
