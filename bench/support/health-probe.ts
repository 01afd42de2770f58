import { Agent, get } from 'node:http';
import { LOOPBACK } from './server';
import { elapsedMsSince, sleep } from './stats';

const REQUEST_TIMEOUT_MS = 2_000;

export interface ProbeResult {
  latenciesMs: number[];
  failures: number;
}

export interface RunningProbe {
  stop(): Promise<ProbeResult>;
}

/**
 * One GET /api/health at a time, one every `intervalMs`: a light user's view of how responsive
 * the event loop stays while logins saturate the argon2 threads. Keep-alive, so connection setup
 * is not part of the latency.
 */
export function startHealthProbe(port: number, intervalMs: number): RunningProbe {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const result: ProbeResult = { latenciesMs: [], failures: 0 };
  let stopping = false;

  const run = async (): Promise<void> => {
    let nextAt = Date.now();
    while (!stopping) {
      const outcome = await timeHealthRequest(agent, port);
      if (outcome.ok) result.latenciesMs.push(outcome.latencyMs);
      else result.failures += 1;
      // Fixed cadence, but never a catch-up burst after a slow answer.
      nextAt = Math.max(nextAt + intervalMs, Date.now());
      await sleep(nextAt - Date.now());
    }
  };
  const running = run();

  return {
    async stop() {
      stopping = true;
      await running;
      agent.destroy();
      return result;
    },
  };
}

type Outcome = { ok: true; latencyMs: number } | { ok: false };

function timeHealthRequest(agent: Agent, port: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const request = get({ host: LOOPBACK, port, path: '/api/health', agent }, (response) => {
      response.resume();
      response.once('end', () => {
        const latencyMs = elapsedMsSince(started);
        resolve(response.statusCode === 200 ? { ok: true, latencyMs } : { ok: false });
      });
    });
    request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error('probe timed out')));
    request.once('error', () => resolve({ ok: false }));
  });
}
