import { loadavg } from 'node:os';
import { countOthers, describeOthers, type LoadResult } from './http-load';
import { formatDiagnosis, type QueryDiagnosis } from './list-query-diagnosis';
import { describeMachine } from './report';
import { fixed, formatTable } from './table';
import type { SeedResult } from './user-seed';

export interface ListVariant {
  /** The query string after `/api/admin/users?`. */
  query: string;
  expectedTotal: number;
}

export interface ListMeasurement {
  variant: ListVariant;
  mode: string;
  /** `total` of one answer taken before timing, checked against what was seeded. */
  answeredTotal: number;
  load: LoadResult;
}

export interface ListDiagnosis {
  label: string;
  queries: QueryDiagnosis[];
}

export interface UsersListResults {
  seed: SeedResult;
  measurements: ListMeasurement[];
  target: { path: string; p95Ms: number };
  diagnosis: ListDiagnosis[];
}

export function formatUsersListSummary(results: UsersListResults): string {
  const { seed, measurements, target } = results;
  const targeted = measurements.filter((m) => m.variant.query === target.path);
  return [
    '=== bench:users-list summary ===',
    `machine      ${describeMachine()}, load average ${loadavg()
      .map((l) => fixed(l, 2))
      .join(' ')}`,
    `seeded       ${seed.users} users (${seed.totpFactors} with an authenticator app, ` +
      `${seed.emailFactors} with email, ${seed.withoutFactor} with neither) ` +
      `in ${fixed(seed.elapsedMs / 1000)} s, one account, MariaDB`,
    '',
    formatTable(
      [
        'GET /api/admin/users?',
        'mode',
        'answers',
        'non-200',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'req/s',
        'total',
      ],
      measurements.map(row),
    ),
    '',
    ...targeted.map(
      (m) =>
        `target       ${target.path} ${m.mode}: p95 ${fixed(m.load.latency.p95)} ms, ` +
        `target < ${target.p95Ms} ms: ${m.load.latency.p95 < target.p95Ms ? 'MET' : 'NOT MET'}`,
    ),
    ...measurements
      .filter((m) => countOthers(m.load) > 0)
      .map((m) => `non-200      ${m.variant.query} ${m.mode}: ${describeOthers(m.load)}`),
    '',
    'where the time goes (each statement of UsersService.list run alone through mysql2, then EXPLAIN):',
    ...results.diagnosis.flatMap(({ label, queries }) => formatDiagnosis(label, queries)),
  ].join('\n');
}

function row({ variant, mode, answeredTotal, load }: ListMeasurement): string[] {
  const totalCell =
    answeredTotal === variant.expectedTotal
      ? String(answeredTotal)
      : `${answeredTotal} (expected ${variant.expectedTotal})`;
  return [
    variant.query,
    mode,
    String(load.ok),
    String(countOthers(load)),
    fixed(load.latency.p50),
    fixed(load.latency.p95),
    fixed(load.latency.p99),
    fixed(load.okPerSecond),
    totalCell,
  ];
}
