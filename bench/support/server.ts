import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' } as const;

const ROOT = join(__dirname, '..', '..');
/** Migrations on an empty MariaDB database run before the port opens. */
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** What every instance of one run shares: instances must accept each other's tokens. */
export interface ServerSetup {
  databaseUrl: string;
  redisUrl?: string;
  varDir: string;
}

const SECRETS = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  ENCRYPTION_KEY: randomBytes(32).toString('hex'),
};

/** `node dist/main.js` on a free loopback port; resolves once /api/health answers 200. */
export async function startServer(setup: ServerSetup): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...SECRETS,
    PORT: String(port),
    GATEKEEPER_VAR_DIR: setup.varDir,
    DATABASE_URL: setup.databaseUrl,
    REDIS_URL: setup.redisUrl ?? '',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // A throughput measurement from one address must not become a measurement of the limiter.
    RATE_LIMIT_PER_MINUTE: '1000000',
    // As deployed (JSON logs); mails, which no measured path sends, go to files.
    NODE_ENV: 'production',
    ALLOW_MAIL_TO_FILES: 'true',
  };
  delete env.SMTP_URL;
  // stdout carries a line per request: ignored, as an undrained pipe would block the server.
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.on('error', (error) => (stderr += `\n${error.message}`));
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  const server: Server = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stop: async () => {
      process.removeListener('exit', kill);
      await stopChild(child);
    },
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!(await healthy(server.url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await server.stop();
      throw new Error(`server did not start:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return server;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(force);
}
