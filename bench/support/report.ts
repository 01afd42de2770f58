import { cpus } from 'node:os';
import type { HashThroughput } from './argon2-throughput';
import type { CpuWindow } from './cpu-accounting';
import type { LoginLoadResult } from './login-load';
import type { LatencySummary } from './stats';

export const TARGETS = { loginToHashRatio: 0.85, healthP99Ms: 50 } as const;
/** Above this share of the CPUs, someone else's work distorted a phase. */
const BUSY_NEIGHBOUR_SHARE = 0.1;

export interface BenchResults {
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  hashes: HashThroughput & { cpu: CpuWindow };
  logins: LoginLoadResult & { cpu: CpuWindow };
  health: LatencySummary & { failures: number; intervalMs: number };
}

export function describeMachine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const pool = process.env.UV_THREADPOOL_SIZE ?? '4 (default)';
  return `${cores.length} CPUs, ${model}, node ${process.version}, UV_THREADPOOL_SIZE=${pool}`;
}

export function formatSummary(results: BenchResults): string {
  const { argon2, hashes, logins, health } = results;
  const ratio = logins.successesPerSecond / hashes.perSecond;
  const healthMet = health.failures === 0 && health.p99 < TARGETS.healthP99Ms;
  return [
    '=== bench:login summary ===',
    `machine      ${describeMachine()}`,
    `argon2id     m=${argon2.memoryCost} KiB, t=${argon2.timeCost}, p=${argon2.parallelism}`,
    `hashes/s     ${hashes.perSecond.toFixed(1)}  (${hashes.completed} verifies in ` +
      `${(hashes.elapsedMs / 1000).toFixed(1)} s, ${hashes.concurrency} in flight, no server running)`,
    `logins/s     ${logins.successesPerSecond.toFixed(1)}  (${logins.successes} x 2xx in ` +
      `${logins.durationSeconds.toFixed(1)} s; non-2xx ${logins.nonSuccesses}, ` +
      `errors ${logins.connectionErrors}, timeouts ${logins.timeouts}; ` +
      `latency p50 ${logins.latencyP50Ms} ms, p99 ${logins.latencyP99Ms} ms)`,
    `health       p50 ${ms(health.p50)}, p95 ${ms(health.p95)}, p99 ${ms(health.p99)}, ` +
      `max ${ms(health.max)}  (${health.count} ok, ${health.failures} failed, ` +
      `1 per ${health.intervalMs} ms during the login load)`,
    ...describeCpu(hashes, logins),
    `ratio        logins/hashes = ${ratio.toFixed(3)}  target >= ${TARGETS.loginToHashRatio}: ` +
      verdict(ratio >= TARGETS.loginToHashRatio),
    `health p99   ${ms(health.p99)}  target < ${TARGETS.healthP99Ms} ms: ${verdict(healthMet)}`,
  ].join('\n');
}

/**
 * CPU per operation explains the ratio: with every core busy, a login can only be as fast as
 * one verify if nothing but argon2 needs CPU; the rest of the request and the load generator
 * take their share from the same cores.
 */
function describeCpu(hashes: BenchResults['hashes'], logins: BenchResults['logins']): string[] {
  const perHash = hashes.cpu.benchMs / hashes.completed;
  const lines = [`cpu/verify   ${ms(perHash)} (bench process, hash phase)`];
  const server = logins.cpu.server;
  const perLogin = (total: number): number => total / logins.successes;
  const clientPerLogin = perLogin(logins.cpu.benchMs);
  if (server) {
    const serverPerLogin = perLogin(server.mainThreadMs + server.otherThreadsMs);
    lines.push(
      `cpu/login    server ${ms(serverPerLogin)} = main thread ` +
        `${ms(perLogin(server.mainThreadMs))} + pool and V8 threads ` +
        `${ms(perLogin(server.otherThreadsMs))}; load generator and probe ${ms(clientPerLogin)}`,
      `cpu-bound    ratio ~ ${(perHash / (serverPerLogin + clientPerLogin)).toFixed(3)} ` +
        'expected when every core is busy (cpu/verify / cpu per login incl. client)',
    );
  }
  lines.push(
    ...warnAboutNeighbours('hash', hashes.cpu),
    ...warnAboutNeighbours('login', logins.cpu),
  );
  return lines;
}

function warnAboutNeighbours(phase: string, cpu: CpuWindow): string[] {
  if (cpu.othersMs === undefined) return [];
  const share = cpu.othersMs / cpu.capacityMs;
  const line = `others       ${(share * 100).toFixed(0)}% of the CPUs used by other processes (${phase} phase)`;
  return share > BUSY_NEIGHBOUR_SHARE
    ? [`${line}  WARNING: machine not idle, the ratio is unreliable`]
    : [line];
}

function verdict(met: boolean): string {
  return met ? 'MET' : 'NOT MET';
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
