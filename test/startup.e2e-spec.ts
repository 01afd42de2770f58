import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { MARIADB_MIGRATIONS } from 'src/database/migrations';
import { MainProcess, runMainUntilExit } from './support/run-main';
import { freshDatabaseUrl } from './support/test-database';

const varDir = () => mkdtempSync(join(tmpdir(), 'gatekeeper-start-'));

// Each test compiles and starts src/main.ts in a child process: seconds, more on a busy machine.
jest.setTimeout(60_000);

const onMariaDb = Boolean(process.env.E2E_DATABASE_URL);
/** Each starts main on its own embedded database or none: the SQLite run covers it already. */
const onEmbeddedRunOnly = onMariaDb ? it.skip : it;

/** Runs main with `env` on a fresh var dir; it must exit 1. Answers the run and its stderr lines. */
async function refusedStart(env: Record<string, string>) {
  const run = await runMainUntilExit({ GATEKEEPER_VAR_DIR: varDir(), ...env });
  expect(run.code).toBe(1);
  return { run, lines: run.stderr.trim().split('\n') };
}

describe('Start-up and shutdown', () => {
  onEmbeddedRunOnly(
    'refuses to start in production on missing secrets and unsafe defaults, one clear line each',
    async () => {
      const { run, lines } = await refusedStart({
        NODE_ENV: 'production',
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: 'change-this-password',
        PUBLIC_URL: 'http://auth.example.com',
      });
      expect(lines).toEqual([
        expect.stringMatching(/^gatekeeper: JWT_SECRET is required/),
        expect.stringMatching(/^gatekeeper: ENCRYPTION_KEY is required/),
        expect.stringMatching(/^gatekeeper: SMTP_URL is required when NODE_ENV=production/),
        expect.stringMatching(/^gatekeeper: ADMIN_PASSWORD is a placeholder or shorter/),
        expect.stringMatching(/^gatekeeper: PUBLIC_URL must use https/),
      ]);
      expect(run.stdout).not.toContain('Listening');
    },
  );

  onEmbeddedRunOnly(
    'refuses to start, in one line, with a primary colour that is not hex or too light for text on white',
    async () => {
      const { run, lines } = await refusedStart({ BRAND_PRIMARY_COLOR: '#ffcc00' });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /BRAND_PRIMARY_COLOR #ffcc00 has a contrast of 1\.\d\d:1 on white; WCAG AA needs 4\.5:1 for text: choose a darker colour/,
      );
      expect(run.stdout).not.toContain('Listening');
    },
  );

  onEmbeddedRunOnly(
    'in production: starts with secrets from files, repeats each accepted override, and logs JSON lines with the request id',
    async () => {
      const dir = varDir();
      const secret = (name: string, value: string) => {
        writeFileSync(join(dir, name), `${value}\n`, { mode: 0o600 });
        return join(dir, name);
      };
      const main = new MainProcess({
        NODE_ENV: 'production',
        GATEKEEPER_VAR_DIR: dir,
        PORT: '0',
        JWT_SECRET_FILE: secret('jwt', randomBytes(32).toString('base64')),
        ENCRYPTION_KEY_FILE: secret('key', randomBytes(32).toString('hex')),
        ALLOW_MAIL_TO_FILES: 'true',
      });
      try {
        const [, base] = await main.waitForOutput(/Listening on (http:\/\/localhost:\d+)/);
        const health = await fetch(`${base}/api/health/live`, {
          headers: { 'X-Request-Id': 'prod-check-1' },
        });
        expect(health.headers.get('x-request-id')).toBe('prod-check-1');
        await main.waitForOutput(/prod-check-1/);
      } finally {
        main.signal('SIGTERM');
      }
      const run = await main.exited;
      expect(run.code).toBe(0);
      const records = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          context: 'Config',
          msg: expect.stringMatching(/^ALLOW_MAIL_TO_FILES=true/),
        }),
      );
      expect(records).toContainEqual(
        expect.objectContaining({
          requestId: 'prod-check-1',
          route: '/api/health/live',
          status: 200,
          msg: 'GET /api/health/live 200',
        }),
      );
    },
  );

  onEmbeddedRunOnly(
    'exits non-zero with one clear line, no stack trace, when ADMIN_EMAIL could not sign in',
    async () => {
      const { lines } = await refusedStart({
        ADMIN_EMAIL: 'admin',
        ADMIN_PASSWORD: 'a-long-enough-password',
      });
      expect(lines).toEqual([
        'gatekeeper: ADMIN_EMAIL or ADMIN_PASSWORD is refused: email must be a plain email address such as ada@example.com',
      ]);
    },
  );

  onEmbeddedRunOnly(
    'exits non-zero with one clear line, no stack trace, when the database cannot be reached',
    async () => {
      const { run, lines } = await refusedStart({
        DATABASE_URL: 'mysql://gatekeeper:hunter2@127.0.0.1:1/gatekeeper',
      });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^gatekeeper: cannot reach the database at mysql:\/\/gatekeeper:\*\*\*@127\.0\.0\.1:1\/gatekeeper/,
      );
      expect(run.stderr).not.toContain('hunter2');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
  );

  onEmbeddedRunOnly(
    'with no variables: serves health, prints credentials that sign in, and stops cleanly on SIGTERM, even with a client connected that never sends',
    async () => {
      const main = new MainProcess({ GATEKEEPER_VAR_DIR: varDir(), PORT: '0' });
      let silentClientClosed: Promise<unknown> | undefined;
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

        // As a browser's preconnect: a connection on which no request ever starts.
        const { port } = new URL(base);
        const silentClient = connect(Number(port), '127.0.0.1').resume();
        await once(silentClient, 'connect');
        silentClientClosed = once(silentClient, 'close');
      } finally {
        main.signal('SIGTERM');
      }
      // A shutdown held by the silent client ends here, as a failure (code null), not a hang.
      const held = setTimeout(() => main.signal('SIGKILL'), 20_000);
      const run = await main.exited;
      clearTimeout(held);
      await silentClientClosed;
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('SIGTERM: shutting down');
      expect(run.stderr).toBe('');
    },
  );

  it('SIGTERM while clients keep connecting: every request is answered 200 until connections are refused, none is cut or answered 503', async () => {
    const database = await freshDatabaseUrl();
    const main = new MainProcess({
      GATEKEEPER_VAR_DIR: varDir(),
      PORT: '0',
      DATABASE_URL: database.url,
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    try {
      const [, base] = await main.waitForOutput(/Listening on (http:\/\/localhost:\d+)/);
      const [, email, password] = await main.waitForOutput(
        /"email":"([^"]+)","password":"([^"]+)"/,
      );
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const outcomes: string[] = [];
      // Each reads the database: the health check, and the session behind the token.
      const client = async (path: string, headers: Record<string, string> = {}) => {
        for (;;) {
          try {
            const response = await fetch(`${base}${path}`, { headers });
            await response.arrayBuffer();
            outcomes.push(String(response.status));
          } catch (error) {
            const code = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
            outcomes.push(code);
            if (code === 'ECONNREFUSED') return;
          }
        }
      };
      const me = { Authorization: `Bearer ${accessToken}` };
      const clients = [
        client('/api/health'),
        client('/api/me', me),
        client('/api/health'),
        client('/api/me', me),
      ];
      await new Promise((resolve) => setTimeout(resolve, 500));
      main.signal('SIGTERM');
      await Promise.all(clients);
      const run = await main.exited;
      expect(run.code).toBe(0);
      // Refused once it stopped listening; reset, for a connection still in the kernel's queue
      // at that moment. Never a 503 from a closed database, nor a request cut once read
      // (UND_ERR_SOCKET: the other side closed).
      const ended = ['200', 'ECONNREFUSED', 'ECONNRESET'];
      expect(outcomes.filter((outcome) => !ended.includes(outcome))).toEqual([]);
      expect(outcomes.filter((outcome) => outcome === '200').length).toBeGreaterThan(20);
    } finally {
      main.signal('SIGKILL'); // when the test failed before it stopped
      await database.drop();
    }
  });

  (onMariaDb ? it : it.skip)(
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
