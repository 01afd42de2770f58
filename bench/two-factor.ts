/**
 * How many second-factor verifications (valid TOTP codes) per second does one server sustain, next
 * to the cheapest authenticated request, GET /api/me, on the same server in the same run? Prints a
 * summary; the exit code only reports whether the run itself worked.
 */
import { resolve } from 'node:path';
import { startCpuWindow } from './support/cpu-accounting';
import { LoopbackClient, runClosedLoop, type LoadJob } from './support/http-load';
import { describeMachine } from './support/report';
import { startServer, type RunningServer } from './support/server';
import {
  formatTwoFactorSummary,
  type MeasuredPhase,
  type TwoFactorResults,
} from './support/two-factor-report';
import { prepareTotpUsers, signInAdmin, type Preparation } from './support/two-factor-fixtures';
import { VerifyJobs } from './support/verify-jobs';
import { log, runBench } from './support/run-bench';

const WORKERS = 16;
const WARM_UP_MS = 1_000;
/** Shorter than for /api/me: every verify of the warm-up uses up a prepared challenge. */
const VERIFY_WARM_UP_MS = 500;
const DURATION_MS = 8_000;
/**
 * Each user costs 3 argon2 operations to set up (creation, login, enrolment password check) and
 * one per challenge; three challenges per user match the three steps (-1, 0, +1) the server
 * accepts per 30-s window. Enough for the full duration on a fast machine; on a slow one the
 * budget stops enrolments (the challenge logins then take about as long again), and the timed
 * phase ends when the challenges run out.
 */
const USERS = 1_500;
const CHALLENGES_PER_USER = 3;
/** More than libuv's 4 threads, so argon2 never waits on the bench. */
const PREPARATION_CONCURRENCY = 8;
const ENROLMENT_BUDGET_MS = 50_000;
/** The planned phases take under 2.5 minutes; anything far beyond that is a hang. */
const WATCHDOG_MS = 200_000;

async function main(): Promise<void> {
  log(`machine: ${describeMachine()}`);
  log('starting node dist/main.js...');
  const server = await startServer(resolve(__dirname, '..'));
  const client = new LoopbackClient(server.port, WORKERS);
  try {
    const results = await measure(server, client);
    process.stdout.write(`\n${formatTwoFactorSummary(results)}\n`);
    failUnlessValid(results);
  } finally {
    client.close();
    await server.stop();
  }
}

async function measure(server: RunningServer, client: LoopbackClient): Promise<TwoFactorResults> {
  const preparation = await prepare(client);
  const jobs = new VerifyJobs(preparation.users);

  log(`verify: warming up for ${VERIFY_WARM_UP_MS / 1000} s...`);
  await runClosedLoop(client, {
    workers: WORKERS,
    durationMs: VERIFY_WARM_UP_MS,
    nextJob: jobs.next,
  });
  log(
    `verify: ${WORKERS} workers for up to ${DURATION_MS / 1000} s ` +
      `(${jobs.remainingChallenges()} challenges left)...`,
  );
  const verify = await measurePhase(server, client, jobs.next);

  const meJob: LoadJob = { call: { method: 'GET', path: '/api/me', bearer: jobs.accessToken() } };
  const nextMe = (): LoadJob => meJob;
  log(`me: warming up for ${WARM_UP_MS / 1000} s...`);
  await runClosedLoop(client, { workers: WORKERS, durationMs: WARM_UP_MS, nextJob: nextMe });
  log(`me: ${WORKERS} workers for ${DURATION_MS / 1000} s...`);
  const me = await measurePhase(server, client, nextMe);

  return { preparation, verify, me };
}

async function prepare(client: LoopbackClient): Promise<Preparation> {
  log(
    `preparing up to ${USERS} users with an authenticator app and ` +
      `${CHALLENGES_PER_USER} challenges each (enrolment budget ${ENROLMENT_BUDGET_MS / 1000} s)...`,
  );
  const adminToken = await signInAdmin(client);
  const preparation = await prepareTotpUsers(client, adminToken, {
    users: USERS,
    challengesPerUser: CHALLENGES_PER_USER,
    concurrency: PREPARATION_CONCURRENCY,
    enrolmentBudgetMs: ENROLMENT_BUDGET_MS,
  });
  log(
    `prepared ${preparation.users.length} users, ${preparation.challenges} challenges ` +
      `in ${(preparation.elapsedMs / 1000).toFixed(1)} s ` +
      `(of which ${(preparation.stepWaitMs / 1000).toFixed(1)} s waiting for a fresh TOTP step)`,
  );
  return preparation;
}

async function measurePhase(
  server: RunningServer,
  client: LoopbackClient,
  nextJob: () => LoadJob | undefined,
): Promise<MeasuredPhase> {
  const endCpuWindow = startCpuWindow(server.pid);
  const load = await runClosedLoop(client, { workers: WORKERS, durationMs: DURATION_MS, nextJob });
  return { ...load, cpu: endCpuWindow() };
}

/** A rate made of nothing, or of refused requests, would be meaningless. */
function failUnlessValid({ verify, me }: TwoFactorResults): void {
  if (verify.ok > 0 && me.ok > 0) return;
  process.stderr.write('bench:two-factor: a phase had no successful request; rates are invalid\n');
  process.exitCode = 1;
}

runBench('bench:two-factor', WATCHDOG_MS, main);
