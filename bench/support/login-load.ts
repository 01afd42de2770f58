import autocannon from 'autocannon';
import { BENCH_ADMIN } from './server';

export interface LoginLoadOptions {
  baseUrl: string;
  connections: number;
  durationSeconds: number;
}

export interface LoginLoadResult {
  successes: number;
  nonSuccesses: number;
  connectionErrors: number;
  timeouts: number;
  durationSeconds: number;
  successesPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

const LOGIN_BODY = JSON.stringify({ email: BENCH_ADMIN.email, password: BENCH_ADMIN.password });

/** Valid logins on `connections` keep-alive connections, each sending its next as soon as answered. */
export async function driveLogins(options: LoginLoadOptions): Promise<LoginLoadResult> {
  const result = await autocannon({
    url: `${options.baseUrl}/api/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: LOGIN_BODY,
    connections: options.connections,
    duration: options.durationSeconds,
    // Queued behind argon2, a login waits about connections / rate seconds; 10 s would hide a stall.
    timeout: 5,
  });
  return {
    successes: result['2xx'],
    nonSuccesses: result.non2xx,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
    successesPerSecond: result['2xx'] / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}

/** One login before any load, so a broken login fails fast with its status and body. */
export async function loginOnce(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: LOGIN_BODY,
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`login answered ${response.status}: ${text.slice(0, 500)}`);
  }
}
