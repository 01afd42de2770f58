/**
 * How close does POST /api/auth/login get to the raw argon2 ceiling, and does the event loop stay
 * responsive meanwhile? Prints a summary; the exit code only reports whether the run itself worked.
 */
import { resolve } from 'node:path';
import { ARGON2_OPTIONS } from '../src/users/password.service';
import { measureSaturatedRate, prepareArgon2Verify } from './support/argon2-throughput';
import { startCpuWindow } from './support/cpu-accounting';
import { startHealthProbe } from './support/health-probe';
import { driveLogins, loginOnce, type LoginLoadResult } from './support/login-load';
import { describeMachine, formatSummary, type BenchResults } from './support/report';
import { BENCH_ADMIN, startServer, type RunningServer } from './support/server';
import { summariseLatencies } from './support/stats';
import { log, runBench } from './support/run-bench';

const HASH_CONCURRENCY = 8;
const HASH_WARM_UP_MS = 1_000;
const HASH_DURATION_MS = 8_000;
const LOGIN_CONNECTIONS = 16;
const LOGIN_WARM_UP_SECONDS = 2;
const LOGIN_DURATION_SECONDS = 10;
const HEALTH_INTERVAL_MS = 20;
/** The planned phases take about 30 s; anything far beyond that is a hang, not a slow machine. */
const WATCHDOG_MS = 75_000;

async function main(): Promise<void> {
  log(`machine: ${describeMachine()}`);

  // First, with nothing else running: the server would compete for the same two cores.
  log(`argon2: ${HASH_CONCURRENCY} verifies in flight for ${HASH_DURATION_MS / 1000} s...`);
  const hashes = await measureHashes();

  log('starting node dist/main.js...');
  const server = await startServer(resolve(__dirname, '..'));
  try {
    const { logins, health } = await measureServer(server);
    process.stdout.write(
      `\n${formatSummary({ argon2: ARGON2_OPTIONS, hashes, logins, health })}\n`,
    );
    failUnlessAllLoginsSucceeded(logins);
  } finally {
    await server.stop();
  }
}

async function measureHashes(): Promise<BenchResults['hashes']> {
  const verify = await prepareArgon2Verify(BENCH_ADMIN.password);
  await measureSaturatedRate(verify, HASH_CONCURRENCY, HASH_WARM_UP_MS);
  const endCpuWindow = startCpuWindow();
  const rate = await measureSaturatedRate(verify, HASH_CONCURRENCY, HASH_DURATION_MS);
  return { ...rate, cpu: endCpuWindow() };
}

async function measureServer(
  server: RunningServer,
): Promise<Pick<BenchResults, 'logins' | 'health'>> {
  await loginOnce(server.baseUrl);
  log(`warming up logins for ${LOGIN_WARM_UP_SECONDS} s...`);
  await driveLogins({
    baseUrl: server.baseUrl,
    connections: LOGIN_CONNECTIONS,
    durationSeconds: LOGIN_WARM_UP_SECONDS,
  });

  log(
    `${LOGIN_CONNECTIONS} connections of logins for ${LOGIN_DURATION_SECONDS} s, probing health...`,
  );
  const probe = startHealthProbe(server.port, HEALTH_INTERVAL_MS);
  const endCpuWindow = startCpuWindow(server.pid);
  const load = await driveLogins({
    baseUrl: server.baseUrl,
    connections: LOGIN_CONNECTIONS,
    durationSeconds: LOGIN_DURATION_SECONDS,
  });
  const logins = { ...load, cpu: endCpuWindow() };
  const probed = await probe.stop();
  const health = {
    ...summariseLatencies(probed.latenciesMs),
    failures: probed.failures,
    intervalMs: HEALTH_INTERVAL_MS,
  };
  return { logins, health };
}

/** A rate made of failed logins would be meaningless, so any failure fails the run. */
function failUnlessAllLoginsSucceeded(logins: LoginLoadResult): void {
  if (logins.successes > 0 && logins.nonSuccesses === 0 && logins.connectionErrors === 0) return;
  process.stderr.write('bench:login: logins failed under load; the rates above are not valid\n');
  process.exitCode = 1;
}

runBench('bench:login', WATCHDOG_MS, main);
