import { randomUUID } from 'node:crypto';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { elapsedMsSince } from './stats';

/** Rows per INSERT: well under max_allowed_packet, few enough round trips. */
const ROWS_PER_INSERT = 1_000;
/** Seeded users were created over the two years before the run, about 10 minutes apart. */
const SPREAD_MS = 2 * 365 * 24 * 3600 * 1000;
/**
 * Listing only asks whether `secret` is set; these users never sign in, so a placeholder stands
 * in for the product's AES-GCM ciphertext, which would need the server's generated key.
 */
const PLACEHOLDER_SECRET = 'bench-placeholder-not-a-sealed-secret';

export interface SeedPlan {
  users: number;
  /** Every n-th user has an authenticator app, every m-th an email factor. */
  totpEvery: number;
  emailEvery: number;
}

export interface SeedResult {
  accountId: string;
  users: number;
  totpFactors: number;
  emailFactors: number;
  /** Seeded users with neither factor; the administrator, who has none either, is not counted. */
  withoutFactor: number;
  elapsedMs: number;
}

interface Owner {
  accountId: string;
  passwordHash: string;
}

type Row = (string | number | Date | null)[];

/**
 * Users straight into the administrator's account with multi-row INSERTs: through the API each
 * would cost an argon2 hash (hours for 100,000). Columns follow src/database/migrations/mariadb.
 */
export async function seedUsers(
  connection: Connection,
  adminEmail: string,
  plan: SeedPlan,
): Promise<SeedResult> {
  const started = process.hrtime.bigint();
  const owner = await findOwner(connection, adminEmail);
  const firstCreatedAt = Date.now() - SPREAD_MS;
  const counts = { totpFactors: 0, emailFactors: 0, withoutFactor: 0 };

  for (let first = 0; first < plan.users; first += ROWS_PER_INSERT) {
    const users: Row[] = [];
    const totp: Row[] = [];
    const email: Row[] = [];
    for (let index = first; index < Math.min(first + ROWS_PER_INSERT, plan.users); index += 1) {
      const id = randomUUID();
      const createdAt = new Date(firstCreatedAt + Math.floor((index * SPREAD_MS) / plan.users));
      const address = `seed-${index}@bench.example`;
      users.push([
        id,
        owner.accountId,
        address,
        `Seed user ${index}`,
        owner.passwordHash,
        'member',
        createdAt,
        createdAt,
      ]);
      const hasTotp = index % plan.totpEvery === 0;
      const hasEmail = index % plan.emailEvery === 0;
      if (hasTotp) totp.push([randomUUID(), id, PLACEHOLDER_SECRET, createdAt]);
      if (hasEmail) email.push([randomUUID(), id, address, createdAt]);
      if (!hasTotp && !hasEmail) counts.withoutFactor += 1;
    }
    await insertRows(
      connection,
      'users (id, accountId, email, name, passwordHash, role, createdAt, updatedAt)',
      users,
    );
    await insertRows(connection, 'totp_factors (id, userId, secret, configuredAt)', totp);
    await insertRows(connection, 'email_factors (id, userId, address, enabledAt)', email);
    counts.totpFactors += totp.length;
    counts.emailFactors += email.length;
  }
  // InnoDB refreshes index statistics in the background after bulk changes; analysing now means
  // the measured plans are the settled ones, not whichever the sampling timing happened to give.
  await connection.query('ANALYZE TABLE users, totp_factors, email_factors');

  return {
    accountId: owner.accountId,
    users: plan.users,
    ...counts,
    elapsedMs: elapsedMsSince(started),
  };
}

async function findOwner(connection: Connection, adminEmail: string): Promise<Owner> {
  const [rows] = await connection.query<RowDataPacket[]>(
    'SELECT accountId, passwordHash FROM users WHERE email = ?',
    [adminEmail],
  );
  const owner = rows[0] as Owner | undefined;
  if (!owner) throw new Error(`no administrator ${adminEmail} in the database`);
  return owner;
}

async function insertRows(connection: Connection, target: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  // `VALUES ?` with an array of arrays is expanded by mysql2 into one multi-row INSERT.
  await connection.query(`INSERT INTO ${target} VALUES ?`, [rows]);
}
