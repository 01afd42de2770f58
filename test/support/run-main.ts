import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

const ROOT = join(__dirname, '..', '..');

export interface MainRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** src/main.ts started as `npm start` would, with exactly the given environment. */
export class MainProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<MainRun>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;

  constructor(env: Record<string, string>) {
    this.child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/main.ts'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr })),
    );
  }

  /** Resolves with the first match of `pattern` in stdout, polling until `timeoutMs`. */
  async waitForOutput(pattern: RegExp, timeoutMs = 45_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no ${pattern} in the output:\n${this.stdout}\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Runs main until it exits by itself; kills it after `timeoutMs`. */
export async function runMainUntilExit(
  env: Record<string, string>,
  timeoutMs = 45_000,
): Promise<MainRun> {
  const main = new MainProcess(env);
  const timer = setTimeout(() => main.signal('SIGKILL'), timeoutMs);
  const run = await main.exited;
  clearTimeout(timer);
  if (run.code === null)
    throw new Error(`main did not exit within ${timeoutMs} ms:\n${run.stdout}\n${run.stderr}`);
  return run;
}
