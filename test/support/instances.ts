import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Test } from 'supertest';
import { MainProcess } from './run-main';
import type { CapturedMail, SmtpCapture } from './smtp-capture';

/** src/main.ts as a real process on a free port, reached at 127.0.0.1 (loopback only). */
export interface Instance {
  name: string;
  base: string;
  main: MainProcess;
}

/** 32 random bytes, base64: a JWT_SECRET or ENCRYPTION_KEY. */
export const secret32 = (): string => randomBytes(32).toString('base64');

/** A documentation address (RFC 3849) of its own, sent as X-Forwarded-For under TRUST_PROXY=loopback. */
export function uniqueIp(): string {
  return `2001:db8:${randomBytes(12).toString('hex').match(/..../g)!.join(':')}`;
}

/**
 * Starts one process per name with `env`, waits for each "Listening on" line and answers them in
 * order. Without a built panel bundle the first instance starts alone (it builds the bundle), so
 * two processes never write the same bundle at once.
 */
export async function startInstances(
  names: string[],
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<Instance[]> {
  const bundled = existsSync(join(__dirname, '..', '..', 'admin-bundle', 'bundle.js'));
  const start = async (name: string): Promise<Instance> => {
    const main = new MainProcess({
      GATEKEEPER_VAR_DIR: mkdtempSync(join(tmpdir(), `gatekeeper-${name}-`)),
      PORT: '0',
      ...env,
    });
    const [, port] = await main.waitForOutput(/Listening on http:\/\/[^:]+:(\d+)/, timeoutMs);
    return { name, base: `http://127.0.0.1:${port}`, main };
  };
  if (bundled) return Promise.all(names.map(start));
  const first = await start(names[0]);
  return [first, ...(await Promise.all(names.slice(1).map(start)))];
}

/** SIGTERM to each, then waits for every exit; answers the exit codes. */
export async function stopInstances(instances: Instance[]): Promise<(number | null)[]> {
  for (const instance of instances) instance.main.signal('SIGTERM');
  const runs = await Promise.all(instances.map((instance) => instance.main.exited));
  return runs.map((run) => run.code);
}

/** A request to `instance` from client address `ip`, with a bearer token when given. */
export function call(
  instance: Instance,
  method: 'get' | 'post' | 'delete' | 'put',
  path: string,
  options: { ip?: string; token?: string; body?: object } = {},
): Test {
  const test = request(instance.base)
    [method](path)
    .set('X-Forwarded-For', options.ip ?? uniqueIp());
  if (options.token) void test.set('Authorization', `Bearer ${options.token}`);
  if (options.body) void test.send(options.body);
  return test;
}

/**
 * Runs `action`, then answers the 6-digit code of the first mail to `address` it caused (mails
 * already received before it do not count).
 */
export async function codeMailedBy(
  mail: SmtpCapture,
  address: string,
  action: () => PromiseLike<unknown>,
): Promise<string> {
  const seen = new Set<CapturedMail>(mail.messages);
  await action();
  const wanted = address.toLowerCase();
  const received = await mail.waitFor(
    (m) => !seen.has(m) && m.to.some((to) => to.toLowerCase() === wanted),
  );
  const code = /\b\d{6}\b/.exec(received.text)?.[0];
  if (!code) throw new Error(`The mail to ${address} ("${received.subject}") has no code`);
  return code;
}

/** A six-digit code that is not `code`. */
export const wrongCode = (code: string): string =>
  String((Number(code) + 1) % 1_000_000).padStart(6, '0');
