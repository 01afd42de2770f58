import { Agent, request } from 'node:http';
import { LOOPBACK } from './server';
import { elapsedMsSince, summariseLatencies, type LatencySummary } from './stats';

/** Long enough for a request queued behind argon2 during preparation; short enough to expose a stall. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface HttpCall {
  method: 'GET' | 'POST';
  /** Path and query, e.g. `/api/me`. */
  path: string;
  bearer?: string;
  body?: unknown;
}

export interface HttpAnswer {
  /** 0 when no HTTP answer came (connection error or timeout). */
  status: number;
  body: string;
  latencyMs: number;
}

/**
 * Keep-alive HTTP/1.1 over loopback with node:http rather than fetch: undici's per-request cost
 * is several times higher, and on two cores the load generator's CPU is taken from the server.
 */
export class LoopbackClient {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  send(call: HttpCall): Promise<HttpAnswer> {
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: Record<string, string> = {};
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (call.bearer !== undefined) headers.authorization = `Bearer ${call.bearer}`;
    return new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const outgoing = request(
        { host: LOOPBACK, port: this.port, method: call.method, path: call.path, headers },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.once('end', () =>
            resolve({ status: response.statusCode ?? 0, body, latencyMs: elapsedMsSince(started) }),
          );
        },
      );
      outgoing.setTimeout(REQUEST_TIMEOUT_MS, () => outgoing.destroy(new Error('timed out')));
      outgoing.once('error', (error) =>
        resolve({ status: 0, body: error.message, latencyMs: elapsedMsSince(started) }),
      );
      outgoing.end(payload);
    });
  }

  /** For preparation steps: any other status is a broken setup, reported with its body. */
  async expectJson<T>(call: HttpCall, expectedStatus: number): Promise<T> {
    const answer = await this.send(call);
    if (answer.status !== expectedStatus) {
      throw new Error(
        `${call.method} ${call.path} answered ${answer.status} (expected ${expectedStatus}): ` +
          answer.body.slice(0, 300),
      );
    }
    return (answer.body === '' ? undefined : JSON.parse(answer.body)) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One request to send, and what to do with its answer (e.g. give a user back to the pool). */
export interface LoadJob {
  call: HttpCall;
  settle?(answer: HttpAnswer): void;
}

export interface LoadOptions {
  workers: number;
  durationMs: number;
  /** undefined: nothing left to send; the phase ends early and says so. */
  nextJob(): LoadJob | undefined;
  okStatus?: number;
}

export interface LoadResult {
  ok: number;
  /** Status -> count for every answer other than `okStatus`; 0 is "no answer". */
  others: Record<number, number>;
  elapsedMs: number;
  okPerSecond: number;
  /** Latency of the successful answers only; failures are often fast and would flatter it. */
  latency: LatencySummary;
  /** True when the jobs ran out before the deadline. */
  exhausted: boolean;
  workers: number;
}

/**
 * `workers` closed loops, each sending its next request as soon as the previous one is answered:
 * with more requests in flight than the server has cores it never idles, so the rate is its
 * saturated throughput. Requests still in flight at the deadline are awaited and counted with the
 * time they took, so stopping does not bias the rate.
 */
export async function runClosedLoop(
  client: LoopbackClient,
  options: LoadOptions,
): Promise<LoadResult> {
  const okStatus = options.okStatus ?? 200;
  const okLatencies: number[] = [];
  const others: Record<number, number> = {};
  let exhausted = false;
  const started = process.hrtime.bigint();

  const loop = async (): Promise<void> => {
    while (elapsedMsSince(started) < options.durationMs) {
      const job = options.nextJob();
      if (!job) {
        exhausted = true;
        return;
      }
      const answer = await client.send(job.call);
      job.settle?.(answer);
      if (answer.status === okStatus) okLatencies.push(answer.latencyMs);
      else others[answer.status] = (others[answer.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.workers }, loop));

  const elapsedMs = elapsedMsSince(started);
  return {
    ok: okLatencies.length,
    others,
    elapsedMs,
    okPerSecond: okLatencies.length / (elapsedMs / 1000),
    latency: summariseLatencies(okLatencies),
    exhausted,
    workers: options.workers,
  };
}

export function countOthers(result: Pick<LoadResult, 'others'>): number {
  return Object.values(result.others).reduce((sum, count) => sum + count, 0);
}

export function describeOthers(result: Pick<LoadResult, 'others'>): string {
  const entries = Object.entries(result.others);
  if (entries.length === 0) return 'none';
  return entries
    .map(([status, count]) => `${status === '0' ? 'no answer' : status}: ${count}`)
    .join(', ');
}

/** Runs `task` over `items` with at most `concurrency` at a time, in order of start. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let nextIndex = 0;
  const lane = async (): Promise<void> => {
    while (nextIndex < items.length) {
      const item = items[nextIndex];
      nextIndex += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
