import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './stats';

export const LOOPBACK = '127.0.0.1';
export const BENCH_ADMIN = { email: 'bench@example.com', password: 'bench-password-1' } as const;

/** Migrations on an empty MariaDB database run before the port opens. */
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 3_000;
const STDERR_TAIL_CHARS = 4_000;

export interface RunningServer {
  baseUrl: string;
  port: number;
  pid: number;
  /** Idempotent; resolves once the process has exited and its temporary directory is gone. */
  stop(): Promise<void>;
}

/**
 * Starts `node dist/main.js` on `databaseUrl` (default: a fresh SQLite file) and resolves once
 * /api/health answers 200.
 */
export async function startServer(
  projectRoot: string,
  databaseUrl?: string,
): Promise<RunningServer> {
  const port = await findFreeLoopbackPort();
  const varDir = mkdtempSync(join(tmpdir(), 'gatekeeper-bench-'));
  const child = spawn(process.execPath, [join(projectRoot, 'dist', 'main.js')], {
    cwd: projectRoot,
    env: serverEnvironment(port, varDir, databaseUrl ?? `sqlite:${join(varDir, 'bench.sqlite')}`),
    // Every request is logged to stdout; an undrained pipe would eventually block the server.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr = keepTail(child);
  const running = (): boolean =>
    child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  // A crash of the bench itself must not leave a server behind holding the port.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = once(async () => {
    await stopChild(child, running);
    process.removeListener('exit', killOnExit);
    rmSync(varDir, { recursive: true, force: true });
  });

  const baseUrl = `http://${LOOPBACK}:${port}`;
  try {
    await waitUntilHealthy(baseUrl, running, stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  // Healthy implies spawned, so the pid is known.
  return { baseUrl, port, pid: child.pid!, stop };
}

function serverEnvironment(port: number, varDir: string, databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    GATEKEEPER_VAR_DIR: varDir,
    DATABASE_URL: databaseUrl,
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    // Accepted by the config today; keeps a future per-IP limiter (default 60/min) from turning
    // a throughput measurement into a measurement of the limiter.
    RATE_LIMIT_PER_MINUTE: '1000000',
  };
  // Development mode generates its own secrets in varDir; production would demand real ones.
  delete env.NODE_ENV;
  delete env.SMTP_URL;
  delete env.REDIS_URL;
  return env;
}

function findFreeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, LOOPBACK, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

async function waitUntilHealthy(
  baseUrl: string,
  running: () => boolean,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!running()) throw new Error(`server exited during start:\n${stderr()}`);
    if (await answersHealthy(baseUrl)) return;
    await sleep(100);
  }
  throw new Error(`server not healthy after ${STARTUP_TIMEOUT_MS} ms:\n${stderr()}`);
}

async function answersHealthy(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false; // not listening yet
  }
}

/** Keeps only the end of stderr: enough to explain a failed start without unbounded memory. */
function keepTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.setEncoding('utf8');
  const append = (text: string): void => {
    tail = (tail + text).slice(-STDERR_TAIL_CHARS);
  };
  child.stderr?.on('data', append);
  // A failed spawn is reported as an event; unhandled, it would crash the bench mid-run.
  child.on('error', (error) => append(`\n${error.message}`));
  return () => tail;
}

async function stopChild(child: ChildProcess, running: () => boolean): Promise<void> {
  if (!running()) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Graceful first, so the shutdown hooks close SQLite; a server that hangs is killed anyway.
  const forceKill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(forceKill);
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}
