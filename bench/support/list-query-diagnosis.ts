import type { Connection, RowDataPacket } from 'mysql2/promise';
import { DataSource, type Logger } from 'typeorm';
import { Account } from 'src/accounts/account.entity';
import { Transactions } from 'src/database/transactions';
import { PasswordService } from 'src/users/password.service';
import { User } from 'src/users/user.entity';
import { UsersService, type UserQuery } from 'src/users/users.service';
import { summariseLatencies, elapsedMsSince } from './stats';
import { fixed } from './table';

export interface CapturedQuery {
  sql: string;
  parameters: unknown[];
}

export interface QueryDiagnosis {
  kind: 'page' | 'count';
  sql: string;
  p50Ms: number;
  runs: number;
  /** One line per EXPLAIN row: table, access type, key, estimated rows, Extra. */
  plan: string[];
}

/** Only the statements issued by `list`; TypeORM's own start-up queries are dropped by `reset`. */
class CapturingLogger implements Logger {
  queries: CapturedQuery[] = [];

  reset(): void {
    this.queries = [];
  }

  logQuery(query: string, parameters?: unknown[]): void {
    this.queries.push({ sql: query, parameters: parameters ?? [] });
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/**
 * The SQL the product issues for a users page, taken from the product's own UsersService on a
 * TypeORM connection, so the diagnosis follows src instead of a copy of the query that could
 * drift from it.
 */
export class ListQueryProbe {
  private readonly logger = new CapturingLogger();
  private readonly dataSource: DataSource;

  constructor(databaseUrl: string) {
    this.dataSource = new DataSource({
      type: 'mariadb',
      url: databaseUrl,
      entities: [User, Account],
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      logging: ['query'],
      logger: this.logger,
    });
  }

  async open(): Promise<void> {
    await this.dataSource.initialize();
  }

  /** `queryString` as in the URL (`page=1&limit=50`), converted as the validation pipe would. */
  async capture(accountId: string, queryString: string): Promise<CapturedQuery[]> {
    const users = new UsersService(
      this.dataSource.getRepository(User),
      new PasswordService(),
      new Transactions(this.dataSource),
    );
    this.logger.reset();
    await users.list(accountId, toListQuery(queryString));
    return this.logger.queries;
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

function toListQuery(queryString: string): UserQuery {
  const query: UserQuery = { page: 1, limit: 20 };
  const params = new URLSearchParams(queryString);
  const page = params.get('page');
  const limit = params.get('limit');
  const search = params.get('search');
  const twoFactor = params.get('twoFactor');
  if (page !== null) query.page = Number(page);
  if (limit !== null) query.limit = Number(limit);
  if (search !== null) query.search = search;
  if (twoFactor === 'enabled' || twoFactor === 'disabled') query.twoFactor = twoFactor;
  return query;
}

/**
 * Times each statement alone (sequentially, up to `runs` times or `capMs`, whichever comes first)
 * and asks MariaDB for its plan.
 */
export async function diagnose(
  connection: Connection,
  queries: readonly CapturedQuery[],
  limits: { runs: number; capMs: number },
): Promise<QueryDiagnosis[]> {
  const diagnoses: QueryDiagnosis[] = [];
  for (const query of queries) {
    const latencies: number[] = [];
    const started = process.hrtime.bigint();
    while (latencies.length < limits.runs && elapsedMsSince(started) < limits.capMs) {
      const runStarted = process.hrtime.bigint();
      await connection.query(query.sql, query.parameters);
      latencies.push(elapsedMsSince(runStarted));
    }
    const [plan] = await connection.query<RowDataPacket[]>(
      `EXPLAIN ${query.sql}`,
      query.parameters,
    );
    diagnoses.push({
      kind: /COUNT\(/i.test(query.sql) ? 'count' : 'page',
      sql: query.sql,
      p50Ms: summariseLatencies(latencies).p50,
      runs: latencies.length,
      plan: plan.map(describePlanRow),
    });
  }
  return diagnoses;
}

function describePlanRow(row: RowDataPacket): string {
  const text = (value: unknown): string =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : '-';
  return (
    `${text(row.table)}: type=${text(row.type)} key=${text(row.key)} ` +
    `rows=${text(row.rows)} ${text(row.Extra)}`
  );
}

export function formatDiagnosis(label: string, diagnoses: readonly QueryDiagnosis[]): string[] {
  return [
    `${label}:`,
    ...diagnoses.flatMap((diagnosis) => [
      `  ${diagnosis.kind} query alone: p50 ${fixed(diagnosis.p50Ms)} ms ` +
        `(${diagnosis.runs} runs)`,
      ...diagnosis.plan.map((line) => `    ${line}`),
    ]),
  ];
}
