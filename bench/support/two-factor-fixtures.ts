import { forEachLimited, type LoopbackClient } from './http-load';
import { BENCH_ADMIN } from './server';
import { elapsedMsSince, sleep } from './stats';
import { codeForStep, nextUsableStep, STEP_MS } from './totp-steps';

const USER_PASSWORD = 'bench-user-password-1';

/** A user with a confirmed authenticator app and login challenges waiting for a code. */
export interface TotpUser {
  email: string;
  secret: string;
  /** Mirrors the server's lastUsedStep, so the next code is never a replay. */
  lastUsedStep: number | null;
  challengeTokens: string[];
}

export interface PreparationOptions {
  users: number;
  challengesPerUser: number;
  concurrency: number;
  /** No new user is enrolled after this; the timed phase is then sized to what is ready. */
  enrolmentBudgetMs: number;
}

export interface Preparation {
  users: TotpUser[];
  challenges: number;
  elapsedMs: number;
  stoppedByBudget: boolean;
  /** Spent waiting for a 30-s step in which every user has all three steps free. */
  stepWaitMs: number;
}

type LoginAnswer =
  | { status: 'authenticated'; accessToken: string }
  | { status: 'two_factor_required'; challengeToken: string; method: string }
  | { status: 'two_factor_setup_required' };

export async function signInAdmin(client: LoopbackClient): Promise<string> {
  const answer = await login(client, BENCH_ADMIN.email, BENCH_ADMIN.password);
  if (answer.status !== 'authenticated') {
    throw new Error(`the bench administrator has no plain session: ${answer.status}`);
  }
  return answer.accessToken;
}

/**
 * Every step through the real API, as a user would: created by the administrator, password
 * login, authenticator enrolment and confirmation, then one password login per challenge. Each
 * of those costs an argon2 operation, which is why this is done before, not during, the timed
 * phase. All enrolments come first: their confirmation uses up one step of the window, so the
 * challenge logins after them usually outlast that step (otherwise this waits for the next one).
 */
export async function prepareTotpUsers(
  client: LoopbackClient,
  adminToken: string,
  options: PreparationOptions,
): Promise<Preparation> {
  const started = process.hrtime.bigint();
  const users: TotpUser[] = [];
  let stoppedByBudget = false;
  const indexes = Array.from({ length: options.users }, (_, index) => index);

  await forEachLimited(indexes, options.concurrency, async (index) => {
    if (elapsedMsSince(started) > options.enrolmentBudgetMs) {
      stoppedByBudget = true;
      return;
    }
    const email = `totp-user-${index}@bench.example`;
    await createMember(client, adminToken, email);
    users.push(await enrolAuthenticator(client, email));
  });
  const logins = users.flatMap((user) =>
    Array.from({ length: options.challengesPerUser }, () => user),
  );
  await forEachLimited(logins, options.concurrency, async (user) => {
    user.challengeTokens.push(await startChallenge(client, user.email));
  });
  const stepWaitMs = await waitUntilEveryStepIsFree(users);

  return {
    users,
    challenges: logins.length,
    elapsedMs: elapsedMsSince(started),
    stoppedByBudget,
    stepWaitMs,
  };
}

/**
 * A user enrolled in the current step has only two steps left in its window (the confirmation
 * took the previous one); a user with fewer steps than challenges would stall the timed phase.
 */
async function waitUntilEveryStepIsFree(users: readonly TotpUser[]): Promise<number> {
  const lastUsed = Math.max(...users.map((user) => user.lastUsedStep ?? -Infinity));
  // From step lastUsed + 2 on, the window (-1, 0, +1) lies entirely above every used step.
  const waitMs = Math.max(0, (lastUsed + 2) * STEP_MS - Date.now());
  await sleep(waitMs);
  return waitMs;
}

async function createMember(client: LoopbackClient, adminToken: string, email: string) {
  await client.expectJson(
    {
      method: 'POST',
      path: '/api/admin/users',
      bearer: adminToken,
      body: { email, name: 'Bench user', password: USER_PASSWORD, role: 'member' },
    },
    201,
  );
}

async function enrolAuthenticator(client: LoopbackClient, email: string): Promise<TotpUser> {
  const session = await login(client, email, USER_PASSWORD);
  if (session.status !== 'authenticated') throw new Error(`new user ${email}: ${session.status}`);
  const { secret } = await client.expectJson<{ secret: string }>(
    {
      method: 'POST',
      path: '/api/me/two-factor/totp',
      bearer: session.accessToken,
      body: { password: USER_PASSWORD },
    },
    201,
  );
  // The lowest usable step (normally the previous one) becomes the last used one, leaving the
  // current and next steps, and every later one, free for the timed phase.
  const step = nextUsableStep(null, Date.now());
  if (step === undefined) throw new Error('no usable TOTP step for a fresh enrolment');
  await client.expectJson(
    {
      method: 'POST',
      path: '/api/me/two-factor/totp/confirm',
      bearer: session.accessToken,
      body: { code: codeForStep(secret, step) },
    },
    200,
  );
  return { email, secret, lastUsedStep: step, challengeTokens: [] };
}

async function startChallenge(client: LoopbackClient, email: string): Promise<string> {
  const answer = await login(client, email, USER_PASSWORD);
  if (answer.status !== 'two_factor_required' || answer.method !== 'totp') {
    throw new Error(`expected a TOTP challenge for ${email}, got ${answer.status}`);
  }
  return answer.challengeToken;
}

function login(client: LoopbackClient, email: string, password: string): Promise<LoginAnswer> {
  return client.expectJson<LoginAnswer>(
    { method: 'POST', path: '/api/auth/login', body: { email, password } },
    200,
  );
}
