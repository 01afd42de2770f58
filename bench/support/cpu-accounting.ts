import { cpus } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports thread times in clock ticks; USER_HZ is 100 on every mainstream kernel. */
const MS_PER_CLOCK_TICK = 10;

export interface CpuWindow {
  wallMs: number;
  /** wall time x CPU count: what the machine could have done. */
  capacityMs: number;
  benchMs: number;
  /** Absent when the server's threads cannot be read (not Linux). */
  server?: { mainThreadMs: number; otherThreadsMs: number };
  /** Everything else on the machine; a busy neighbour makes the two rates incomparable. */
  othersMs?: number;
}

/**
 * Who used the CPUs during a phase. The ratio compares two phases measured seconds apart on the
 * same cores, so it is only meaningful if nothing else was competing in either of them.
 */
export function startCpuWindow(serverPid?: number): () => CpuWindow {
  const started = { wall: Date.now(), system: systemBusyMs(), bench: process.cpuUsage() };
  const serverBefore = serverPid === undefined ? undefined : threadTimesMs(serverPid);
  return () => {
    const wallMs = Date.now() - started.wall;
    const benchUsage = process.cpuUsage(started.bench);
    const benchMs = (benchUsage.user + benchUsage.system) / 1000;
    const systemMs = systemBusyMs() - started.system;
    const serverAfter = serverPid === undefined ? undefined : threadTimesMs(serverPid);
    const server =
      serverPid !== undefined && serverBefore && serverAfter
        ? splitServerTime(serverPid, serverBefore, serverAfter)
        : undefined;
    const serverMs = server ? server.mainThreadMs + server.otherThreadsMs : 0;
    const othersKnown = serverPid === undefined || server !== undefined;
    return {
      wallMs,
      capacityMs: wallMs * cpus().length,
      benchMs,
      server,
      othersMs: othersKnown ? Math.max(0, systemMs - benchMs - serverMs) : undefined,
    };
  };
}

function systemBusyMs(): number {
  return cpus().reduce(
    (sum, { times }) => sum + times.user + times.nice + times.sys + times.irq,
    0,
  );
}

/** utime + stime per thread id, from /proc; undefined where there is no /proc. */
function threadTimesMs(pid: number): Map<number, number> | undefined {
  try {
    const times = new Map<number, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the parenthesised command name, which may itself contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      times.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * MS_PER_CLOCK_TICK);
    }
    return times;
  } catch {
    return undefined;
  }
}

/** The main thread (tid = pid) runs JavaScript; the rest are libuv's pool (argon2) and V8's helpers. */
function splitServerTime(
  pid: number,
  before: Map<number, number>,
  after: Map<number, number>,
): { mainThreadMs: number; otherThreadsMs: number } {
  let mainThreadMs = 0;
  let otherThreadsMs = 0;
  for (const [tid, total] of after) {
    const used = total - (before.get(tid) ?? 0);
    if (tid === pid) mainThreadMs += used;
    else otherThreadsMs += used;
  }
  return { mainThreadMs, otherThreadsMs };
}
