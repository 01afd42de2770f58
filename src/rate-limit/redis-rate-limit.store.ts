import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RATE_LIMIT_WINDOW_MS, RateLimitStore } from './rate-limit.store';

const KEY_PREFIX = 'gatekeeper:rate-limit:';

// INCR and PEXPIRE in one script, so a crash between them cannot leave a counter that never expires.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/**
 * Counters shared by every instance using the same Redis (B4). While Redis cannot be reached each
 * instance counts on its own: neither closed (sign-in must stay available) nor fully open (limits
 * still hold, only as many times looser as there are instances).
 */
export class RedisRateLimitStore extends RateLimitStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private readonly local = new MemoryRateLimitStore();
  private lastWarnedWindow = -Infinity;

  constructor(url: string) {
    super();
    this.redis = new Redis(url, {
      lazyConnect: true,
      // Fail fast instead of queueing while Redis is away: a login must not wait for it.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
      // ioredis waits this long for a dead socket's "close" on shutdown (default 2 s), which
      // would hold the process open after app.close() while Redis is away.
      disconnectTimeout: 100,
    });
    // Without a listener ioredis prints every reconnect failure; hit() reports outages instead.
    this.redis.on('error', () => undefined);
  }

  async onModuleInit(): Promise<void> {
    // Connect before serving so the first requests are counted in Redis. A Redis that is down
    // does not stop the start: hit() falls back, and ioredis keeps reconnecting in the background.
    await this.redis.connect().catch((error: unknown) => {
      this.logger.warn(`Redis unreachable at start: ${String(error)}`);
    });
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }

  async hit(key: string, windowStart: number): Promise<number> {
    try {
      const count = await this.redis.eval(
        HIT_SCRIPT,
        1,
        `${KEY_PREFIX}${key}:${windowStart}`,
        RATE_LIMIT_WINDOW_MS,
      );
      return Number(count);
    } catch (error) {
      // Once a window, so an outage under load does not flood the log.
      if (windowStart > this.lastWarnedWindow) {
        this.lastWarnedWindow = windowStart;
        this.logger.warn(
          `Redis unreachable, rate limits counted in this instance only: ${String(error)}`,
        );
      }
      return this.local.hit(key, windowStart);
    }
  }
}
