import autocannon from 'autocannon';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Server } from './server';

/** Linux reports process times in clock ticks; USER_HZ is 100 on every mainstream kernel. */
const MS_PER_TICK = 10;
const DATABASE_NAMES = ['mariadbd', 'mysqld'];
const REDIS_NAMES = ['redis-server'];

/** CPU milliseconds used during a window, by whom; `idle` is what no process used. */
export interface CpuUse {
  wallMs: number;
  servers: number;
  database: number;
  redis: number;
  /** This process: autocannon, or argon2 in the hash phase. */
  bench: number;
  others: number;
  idle: number;
}

/** Summed over every window: how much of the machine other processes took while measuring. */
export const neighbours = { othersMs: 0, capacityMs: 0 };

/** Starts counting; the returned function ends the window. Reads /proc, so Linux only. */
export function cpuWindow(serverPids: readonly number[]): () => CpuUse {
  const groups = [serverPids, pidsNamed(DATABASE_NAMES), pidsNamed(REDIS_NAMES)];
  const before = { at: Date.now(), machine: machineBusyMs(), groups: groups.map(processesMs) };
  const bench = process.cpuUsage();
  return () => {
    const [servers, database, redis] = groups.map(
      (pids, i) => processesMs(pids) - before.groups[i],
    );
    const used = process.cpuUsage(bench);
    const wallMs = Date.now() - before.at;
    const busy = machineBusyMs() - before.machine;
    const benchMs = (used.user + used.system) / 1000;
    const others = Math.max(0, busy - servers - database - redis - benchMs);
    const idle = Math.max(0, wallMs * cpus().length - busy);
    neighbours.othersMs += others;
    neighbours.capacityMs += wallMs * cpus().length;
    return { wallMs, servers, database, redis, bench: benchMs, others, idle };
  };
}

function machineBusyMs(): number {
  return cpus().reduce(
    (sum, { times }) => sum + times.user + times.nice + times.sys + times.irq,
    0,
  );
}

function processesMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
    } catch {
      return sum; // gone, or no /proc
    }
  }, 0);
}

function pidsNamed(names: readonly string[]): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return names.includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

export interface Load {
  /** autocannon spreads its connections over them. */
  servers: readonly Server[];
  path: string;
  method?: 'GET' | 'POST';
  token?: string;
  body?: unknown;
  /** A fresh body for every request (a new challenge and code); overrides `body`. */
  nextBody?: () => unknown;
  connections: number;
  /** Both bounds hold: the phase ends after this many requests or this many seconds. */
  requests: number;
  seconds: number;
}

export interface Phase {
  ok: number;
  /** Other answers, errors and timeouts. */
  failed: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  cpu: CpuUse;
}

/**
 * Closed-loop load from autocannon over loopback keep-alive connections. The rate is successes
 * over the time until the last answer; latencies are those of successes, exact (not bucketed).
 */
export async function runLoad(load: Load): Promise<Phase> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (load.token) headers.authorization = `Bearer ${load.token}`;
  const json = (value: unknown): string | undefined =>
    value === undefined ? undefined : JSON.stringify(value);
  const { nextBody } = load;
  const isOk = (status: number): boolean => status >= 200 && status < 300;
  const latencies: number[] = [];
  let failed = 0;
  let lastAnswerAt = 0;
  const endCpu = cpuWindow(load.servers.map((server) => server.pid));
  const started = Date.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        // autocannon accepts several URLs, though its types say one.
        url: load.servers.map((server) => server.url + load.path) as unknown as string,
        method: load.method ?? 'GET',
        headers,
        body: json(load.body),
        connections: Math.min(load.connections, load.requests),
        amount: load.requests,
        timeout: 10,
        // How often autocannon notices that it is done: the default second would pad the phase.
        sampleInt: 100,
        requests: nextBody && [
          { setupRequest: (request) => ({ ...request, body: json(nextBody()) }) },
        ],
      },
      (error, done) => {
        clearTimeout(timer);
        return error ? reject(error as Error) : resolve(done);
      },
    );
    const timer = setTimeout(() => instance.stop(), load.seconds * 1000);
    instance.on('response', (_client, status, _bytes, ms) => {
      lastAnswerAt = Date.now();
      if (isOk(status)) latencies.push(ms);
      else failed += 1;
    });
  });
  const cpu = endCpu();
  latencies.sort((a, b) => a - b);
  const at = (p: number): number => latencies[Math.ceil((p / 100) * latencies.length) - 1] ?? NaN;
  const elapsedMs = Math.max(1, (lastAnswerAt || Date.now()) - started);
  return {
    ok: latencies.length,
    failed: failed + result.errors + result.timeouts,
    perSecond: latencies.length / (elapsedMs / 1000),
    p50: at(50),
    p95: at(95),
    p99: at(99),
    cpu,
  };
}
