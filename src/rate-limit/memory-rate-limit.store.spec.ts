import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RATE_LIMIT_WINDOW_MS } from './rate-limit.store';

describe('MemoryRateLimitStore', () => {
  it('B4: counts hits per key within a window', async () => {
    const store = new MemoryRateLimitStore();
    expect(await store.hit('login:192.0.2.1', 0)).toBe(1);
    expect(await store.hit('login:192.0.2.1', 0)).toBe(2);
    expect(await store.hit('verify:192.0.2.1', 0)).toBe(1);
  });

  it('B4: drops every counter of an ended window, so memory does not grow over time', async () => {
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < 100; i++) await store.hit(`login:192.0.2.${i}`, 0);
    expect(store.size).toBe(100);

    expect(await store.hit('login:192.0.2.1', RATE_LIMIT_WINDOW_MS)).toBe(1);
    expect(store.size).toBe(1);
  });
});
