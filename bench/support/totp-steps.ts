import { totpCode } from '../../test/support/independent-totp';

export const STEP_MS = 30_000;
/** The product accepts the steps at -1, 0 and +1 around its clock (TotpService WINDOW_STEPS). */
const WINDOW_STEPS = 1;
/**
 * A code for the previous step sent in the last moments of the current one may reach the server
 * after the boundary, where that step has left the window; such a late request would count as a
 * failure of the product when it is the bench's timing.
 */
const LATE_IN_STEP_MS = 1_000;

export function stepAt(nowMs: number): number {
  return Math.floor(nowMs / STEP_MS);
}

/**
 * The lowest step the server will still accept for this user now: above the last accepted one
 * (the replay rule) and inside the window. Taking them in increasing order gives every user
 * three successes per 30-s step, and more as the clock moves on. undefined: none left now.
 */
export function nextUsableStep(lastUsedStep: number | null, nowMs: number): number | undefined {
  const current = stepAt(nowMs);
  const lateInStep = nowMs % STEP_MS >= STEP_MS - LATE_IN_STEP_MS;
  const lowest = lateInStep ? current : current - WINDOW_STEPS;
  const candidate = lastUsedStep === null ? lowest : Math.max(lowest, lastUsedStep + 1);
  return candidate <= current + WINDOW_STEPS ? candidate : undefined;
}

/** The code an authenticator app shows for `step`, from the tests' independent RFC 6238 generator. */
export function codeForStep(base32Secret: string, step: number): string {
  return totpCode(base32Secret, step * STEP_MS);
}
