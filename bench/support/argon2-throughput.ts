import * as argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../../src/users/password.service';
import { elapsedMsSince } from './stats';

export interface HashThroughput {
  perSecond: number;
  completed: number;
  elapsedMs: number;
  concurrency: number;
}

/**
 * One argon2 verification with the product's parameters. Verify rather than hash because login
 * verifies; both run the same argon2 computation.
 */
export async function prepareArgon2Verify(password: string): Promise<() => Promise<void>> {
  const hash = await argon2.hash(password, ARGON2_OPTIONS);
  return async () => {
    if (!(await argon2.verify(hash, password))) throw new Error('argon2.verify rejected its hash');
  };
}

/**
 * Runs `task` on `concurrency` loops for `durationMs`: with more calls in flight than libuv has
 * threads the pool never idles, so this is the ceiling logins are compared against. Calls still
 * in flight at the deadline are awaited and counted with the time they took, so the tail does not
 * bias the rate.
 */
export async function measureSaturatedRate(
  task: () => Promise<void>,
  concurrency: number,
  durationMs: number,
): Promise<HashThroughput> {
  const started = process.hrtime.bigint();
  let completed = 0;
  const loop = async (): Promise<void> => {
    while (elapsedMsSince(started) < durationMs) {
      await task();
      completed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = elapsedMsSince(started);
  return { perSecond: completed / (elapsedMs / 1000), completed, elapsedMs, concurrency };
}
