import type { CpuWindow } from './cpu-accounting';
import { countOthers, describeOthers, type LoadResult } from './http-load';
import { describeMachine } from './report';
import { fixed, formatTable } from './table';
import type { Preparation } from './two-factor-fixtures';

export type MeasuredPhase = LoadResult & { cpu: CpuWindow };

export interface TwoFactorResults {
  preparation: Preparation;
  verify: MeasuredPhase;
  me: MeasuredPhase;
}

export function formatTwoFactorSummary({ preparation, verify, me }: TwoFactorResults): string {
  const ratio = verify.okPerSecond / me.okPerSecond;
  return [
    '=== bench:two-factor summary ===',
    `machine      ${describeMachine()}`,
    `prepared     ${preparation.users.length} TOTP users, ${preparation.challenges} challenges ` +
      `in ${fixed(preparation.elapsedMs / 1000)} s, not timed` +
      (preparation.stoppedByBudget ? ' (enrolments stopped by the time budget)' : ''),
    '',
    formatTable(
      [
        'endpoint',
        'workers',
        'seconds',
        '200',
        'non-200',
        '200/s',
        'p50 ms',
        'p99 ms',
        'server cpu ms/req',
        'bench cpu ms/req',
      ],
      [phaseRow('POST /api/auth/two-factor/verify', verify), phaseRow('GET /api/me', me)],
    ),
    '',
    `ratio        verify/me = ${fixed(ratio, 3)}  (200/s of each, same server, same workers)`,
    `non-200      verify: ${describeOthers(verify)}; me: ${describeOthers(me)}`,
    ...notes(verify, me),
  ].join('\n');
}

function phaseRow(name: string, phase: MeasuredPhase): string[] {
  const perRequest = (ms: number): string => fixed(ms / Math.max(1, phase.ok), 2);
  const server = phase.cpu.server;
  return [
    name,
    String(phase.workers),
    fixed(phase.elapsedMs / 1000),
    String(phase.ok),
    String(countOthers(phase)),
    fixed(phase.okPerSecond),
    fixed(phase.latency.p50),
    fixed(phase.latency.p99),
    server ? perRequest(server.mainThreadMs + server.otherThreadsMs) : '-',
    perRequest(phase.cpu.benchMs),
  ];
}

/** What a reader must know before trusting the ratio. */
function notes(verify: MeasuredPhase, me: MeasuredPhase): string[] {
  const lines: string[] = [];
  if (verify.exhausted) {
    lines.push(
      'note         the verify phase ended when the prepared challenges ran out (sized to them)',
    );
  }
  for (const [name, phase] of [
    ['verify', verify],
    ['me', me],
  ] as const) {
    if (phase.cpu.othersMs === undefined) continue;
    const share = phase.cpu.othersMs / phase.cpu.capacityMs;
    const warning = share > 0.1 ? '  WARNING: machine not idle, rates unreliable' : '';
    lines.push(
      `others       ${(share * 100).toFixed(0)}% of the CPUs used by other processes (${name})${warning}`,
    );
  }
  return lines;
}
