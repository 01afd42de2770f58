import { RateLimitStore } from './rate-limit.store';

/**
 * Counters of the current window only: when a newer window starts the old counters are dropped
 * whole, so memory is bounded by the addresses seen in one minute, with no sweeping timer.
 */
export class MemoryRateLimitStore extends RateLimitStore {
  private windowStart = -Infinity;
  private counts = new Map<string, number>();

  hit(key: string, windowStart: number): Promise<number> {
    if (windowStart > this.windowStart) {
      this.windowStart = windowStart;
      this.counts = new Map();
    }
    // A hit computed just before the window turned counts in the new window: harmless.
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return Promise.resolve(count);
  }

  /** For tests: how many counters are held. */
  get size(): number {
    return this.counts.size;
  }
}
