import { randomUUID } from 'node:crypto';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { generateSync } from 'otplib';
import { ADMIN } from './server';

/** The bench's own database, created empty and dropped at the end; the name must look scratch. */
export async function scratchDatabase(
  url: string,
): Promise<Connection & { drop(): Promise<void> }> {
  const parsed = new URL(url);
  const name = parsed.pathname.slice(1);
  if (!/^\w+$/.test(name)) throw new Error(`unusable database name in ${url}`);
  const connection = await createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    timezone: 'Z',
  });
  await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await connection.query(
    `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  await connection.query(`USE \`${name}\``);
  return Object.assign(connection, {
    drop: async () => {
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  });
}

export interface Seeded {
  users: number;
  withoutFactor: number;
}

/**
 * Users straight into the administrator's account with multi-row INSERTs (through the API each
 * would cost an argon2 hash): every `totpEvery`-th with an authenticator app, every
 * `emailEvery`-th with email, and `users.twoFactorMethods` saying so, strongest first, as
 * TwoFactorService.changeMethods writes it. Columns follow src/database/migrations/mariadb.
 */
export async function seedUsers(
  db: Connection,
  plan: { users: number; totpEvery: number; emailEvery: number },
): Promise<Seeded> {
  const [[owner]] = await db.query<RowDataPacket[]>(
    'SELECT accountId, passwordHash FROM users WHERE email = ?',
    [ADMIN.email],
  );
  const spreadMs = 2 * 365 * 24 * 3600 * 1000; // created over the last two years
  const firstAt = Date.now() - spreadMs;
  let withoutFactor = 0;
  for (let first = 0; first < plan.users; first += 2_000) {
    const rows = { users: [] as unknown[][], totp: [] as unknown[][], email: [] as unknown[][] };
    for (let i = first; i < Math.min(first + 2_000, plan.users); i += 1) {
      const id = randomUUID();
      const at = new Date(firstAt + Math.floor((i * spreadMs) / plan.users));
      const address = `seed-${i}@bench.example`;
      const methods = [i % plan.totpEvery === 0 && 'totp', i % plan.emailEvery === 0 && 'email'];
      const methodList = methods.filter(Boolean).join(',');
      if (methodList === '') withoutFactor += 1;
      const { accountId, passwordHash } = owner;
      rows.users.push([
        id,
        accountId,
        address,
        `Seed ${i}`,
        passwordHash,
        'member',
        methodList,
        at,
        at,
      ]);
      // Listing only asks whether a factor is set, so a placeholder stands in for the sealed secret.
      if (methods[0]) rows.totp.push([randomUUID(), id, 'bench-placeholder-secret', at]);
      if (methods[1]) rows.email.push([randomUUID(), id, address, at]);
    }
    const insert = async (target: string, values: unknown[][]): Promise<void> => {
      if (values.length > 0) await db.query(`INSERT INTO ${target} VALUES ?`, [values]);
    };
    await insert(
      'users (id, accountId, email, name, passwordHash, role, twoFactorMethods, createdAt, updatedAt)',
      rows.users,
    );
    await insert('totp_factors (id, userId, secret, configuredAt)', rows.totp);
    await insert('email_factors (id, userId, address, enabledAt)', rows.email);
  }
  // Settled index statistics, rather than whatever InnoDB's background sampling has reached.
  await db.query('ANALYZE TABLE users, totp_factors, email_factors');
  return { users: plan.users, withoutFactor };
}

/** One API call of the untimed preparation; any status but `expected` is a broken setup. */
export async function api<T>(
  base: string,
  call: { method?: string; path: string; token?: string; body?: unknown },
  expected = 200,
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  const response = await fetch(base + call.path, {
    method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(`${call.path} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

interface LoginAnswer {
  status: string;
  accessToken: string;
  challengeToken: string;
}

export const login = (base: string, email: string, password: string): Promise<LoginAnswer> =>
  api<LoginAnswer>(base, { path: '/api/auth/login', body: { email, password } });

const STEP_MS = 30_000;

export interface TotpUser {
  secret: string;
  /** Mirrors the server's last used step, so that no code sent is a replay. */
  lastStep: number;
}

/**
 * The lowest step the server still accepts (steps -1, 0, +1 around its clock, above the last
 * used one), and its code as an authenticator app computes it. In the last second of a step the
 * previous one is skipped, as it could leave the window before the request arrives.
 */
export function nextCode(user: TotpUser): string {
  const now = Date.now();
  const current = Math.floor(now / STEP_MS);
  const lowest = now % STEP_MS >= STEP_MS - 1_000 ? current : current - 1;
  // Past current + 1 the server refuses the code, and the bench reports the failure.
  user.lastStep = Math.max(lowest, user.lastStep + 1);
  return generateSync({ strategy: 'hotp', secret: user.secret, counter: user.lastStep });
}

export interface Challenge {
  user: TotpUser;
  token: string;
}

/**
 * Users with an authenticator app, each step through the API as a user would (created by the
 * administrator, login, enrolment, confirmation), then `challenges` logins that stop at the
 * second factor. Every step costs an argon2 hash, hence the enrolment budget; challenges come in
 * rounds (every user's first, then every user's second...), so any run of at most `users`
 * consecutive challenges names each user once. Resolves when each user has three steps free.
 */
export async function prepareChallenges(
  base: string,
  plan: { users: number; challenges: (users: number) => number; budgetMs: number },
): Promise<{ users: number; challenges: Challenge[] }> {
  const admin = await login(base, ADMIN.email, ADMIN.password);
  const password = 'bench-user-password-1';
  const deadline = Date.now() + plan.budgetMs;
  const enrolled: (TotpUser & { email: string })[] = [];
  await inParallel(plan.users, async (i) => {
    if (Date.now() > deadline) return;
    const email = `totp-${i}@bench.example`;
    const body = { email, name: 'TOTP user', password, role: 'member' };
    await api(base, { path: '/api/admin/users', token: admin.accessToken, body }, 201);
    const { accessToken: token } = await login(base, email, password);
    const path = '/api/me/two-factor/totp';
    const { secret } = await api<{ secret: string }>(
      base,
      { path, token, body: { password } },
      201,
    );
    const user = { email, secret, lastStep: -Infinity };
    await api(base, { path: `${path}/confirm`, token, body: { code: nextCode(user) } });
    enrolled.push(user);
  });
  const users = enrolled.sort((a, b) => a.email.localeCompare(b.email));
  const challenges: Challenge[] = [];
  await inParallel(plan.challenges(users.length), async (i) => {
    const user = users[i % users.length];
    const answer = await login(base, user.email, password);
    if (!answer.challengeToken) throw new Error(`no challenge for ${user.email}: ${answer.status}`);
    challenges[i] = { user, token: answer.challengeToken };
  });
  // Confirmation took the lowest step; two steps on, the window lies above every used one.
  const lastUsed = Math.max(...users.map((user) => user.lastStep));
  await new Promise((resolve) => setTimeout(resolve, (lastUsed + 2) * STEP_MS - Date.now()));
  return { users: users.length, challenges };
}

/** `task(0)` to `task(count - 1)`, eight at a time: more than libuv's four argon2 threads. */
async function inParallel(count: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: 8 }, lane));
}
