import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { MARIADB_MIGRATIONS } from 'src/database/migrations';
import { MainProcess, runMainUntilExit } from './support/run-main';
import { freshDatabaseUrl } from './support/test-database';

const varDir = () => mkdtempSync(join(tmpdir(), 'gatekeeper-start-'));

// Each test compiles and starts src/main.ts in a child process: seconds, more on a busy machine.
jest.setTimeout(60_000);

describe('Start-up and shutdown', () => {
  it('refuses to start in production without secrets, in one line naming each missing variable', async () => {
    const run = await runMainUntilExit({ NODE_ENV: 'production', GATEKEEPER_VAR_DIR: varDir() });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/JWT_SECRET is required.*ENCRYPTION_KEY is required/);
    expect(run.stdout).not.toContain('Listening');
  });

  it('refuses to start, in one line, with a primary colour that is not hex or too light for text on white', async () => {
    const run = await runMainUntilExit({
      GATEKEEPER_VAR_DIR: varDir(),
      BRAND_PRIMARY_COLOR: '#ffcc00',
    });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /BRAND_PRIMARY_COLOR #ffcc00 has a contrast of 1\.\d\d:1 on white; WCAG AA needs 4\.5:1 for text: choose a darker colour/,
    );
    expect(run.stdout).not.toContain('Listening');
  });

  it('exits non-zero with one clear line, no stack trace, when the database cannot be reached', async () => {
    const run = await runMainUntilExit({
      GATEKEEPER_VAR_DIR: varDir(),
      DATABASE_URL: 'mysql://gatekeeper:hunter2@127.0.0.1:1/gatekeeper',
    });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^gatekeeper: cannot reach the database at mysql:\/\/gatekeeper:\*\*\*@127\.0\.0\.1:1\/gatekeeper/,
    );
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('with no variables: serves health, prints credentials that sign in, and stops cleanly on SIGTERM', async () => {
    const main = new MainProcess({ GATEKEEPER_VAR_DIR: varDir(), PORT: '0' });
    try {
      const [, base] = await main.waitForOutput(/Listening on (http:\/\/localhost:\d+)/);
      const [, email, password] = await main.waitForOutput(
        /"email":"([^"]+)","password":"([^"]+)"/,
      );
      expect(main.stdout).toContain('/api/docs');

      const health = await fetch(`${base}/api/health`);
      expect(health.status).toBe(200);
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { status: string }).status).toBe('authenticated');
    } finally {
      main.signal('SIGTERM');
    }
    const run = await main.exited;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SIGTERM: shutting down');
    expect(run.stderr).toBe('');
  });

  (process.env.E2E_DATABASE_URL ? it : it.skip)(
    'C1: instances started together on an empty database all come up, with one set of migrations and one administrator',
    async () => {
      const database = await freshDatabaseUrl();
      const instances = Array.from(
        { length: 3 },
        () =>
          new MainProcess({
            GATEKEEPER_VAR_DIR: varDir(),
            PORT: '0',
            DATABASE_URL: database.url,
            ADMIN_EMAIL: 'first-admin@example.com',
            ADMIN_PASSWORD: 'first admin password',
          }),
      );
      try {
        // Three ts-node compilations at once on two cores: slow, more so on a busy machine.
        await Promise.all(instances.map((main) => main.waitForOutput(/Listening on/, 90_000)));
        const connection = await createConnection(database.url);
        try {
          const [users] = await connection.query<RowDataPacket[]>('SELECT email FROM users');
          expect(users.map((row) => row.email as string)).toEqual(['first-admin@example.com']);
          const [migrations] = await connection.query<RowDataPacket[]>(
            'SELECT COUNT(*) AS count FROM migrations',
          );
          expect(Number(migrations[0].count)).toBe(MARIADB_MIGRATIONS.length);
        } finally {
          await connection.end();
        }
      } finally {
        for (const main of instances) main.signal('SIGTERM');
        await Promise.all(instances.map((main) => main.exited));
        await database.drop();
      }
    },
    150_000,
  );
});
