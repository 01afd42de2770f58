/** Fixed windows: simple, and one counter per key and minute is all B4 asks for. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Where hits are counted: in this process, or in Redis when instances must share counters. */
export abstract class RateLimitStore {
  /** Counts one hit on `key` in the window starting at `windowStart` (ms); answers the count so far. */
  abstract hit(key: string, windowStart: number): Promise<number>;
}
