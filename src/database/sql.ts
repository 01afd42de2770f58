import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type SqlValue = string | number | boolean | Date | null;

/**
 * Hand-written statements for the paths every request or sign-in takes (the guard, login,
 * second-factor verify), where building the query with TypeORM costs more CPU than running it.
 * Written in the SQL that SQLite and MariaDB/MySQL share (unquoted identifiers that are no
 * keyword, `?` placeholders). Every value is bound (TypeORM writes numbers into SQLite's SQL
 * text), so SQLite's statement cache serves each statement from one prepared copy.
 */
@Injectable()
export class Sql {
  private readonly onSqlite: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.onSqlite = dataSource.options.type === 'better-sqlite3';
  }

  /** The rows as the driver answers them: no entity hydration, so select no dates. */
  async rows<T>(sql: string, values: readonly SqlValue[]): Promise<T[]> {
    return (await this.run(sql, values)).records as T[];
  }

  async affected(sql: string, values: readonly SqlValue[]): Promise<number> {
    return (await this.run(sql, values)).affected ?? 0;
  }

  private async run(sql: string, values: readonly SqlValue[]) {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await runner.query(
        sql,
        values.map((value) => this.bind(value)),
        true,
      );
    } finally {
      await runner.release();
    }
  }

  /** As TypeORM binds them: SQLite stores datetimes as UTC text and booleans as 0/1. */
  private bind(value: SqlValue): string | number | Date | null {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value instanceof Date && this.onSqlite) {
      return value.toISOString().replace('T', ' ').replace('Z', '');
    }
    return value;
  }
}
