import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { RATE_LIMIT_WINDOW_MS } from './per-ip-limits';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Per-IP counters shared by every instance through Redis (B4). While Redis cannot be reached each
 * instance counts on its own: neither closed (sign-in must stay available) nor fully open (limits
 * still hold, only as many times looser as there are instances). ioredis reconnects by itself,
 * and the next hit after that counts in Redis again.
 */
export class SharedThrottlerStorage implements ThrottlerStorage, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();
  private lastWarningAt = -Infinity;

  constructor(url: string) {
    this.redis = new Redis(url, {
      keyPrefix: 'gatekeeper:rate-limit:',
      lazyConnect: true,
      // Fail fast instead of queueing while Redis is away: a login must not wait for it.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
      // ioredis waits this long for a dead socket's "close" on shutdown (default 2 s), which
      // would hold the process open after app.close() while Redis is away.
      disconnectTimeout: 100,
    });
    // Without a listener ioredis prints every reconnect failure; increment() reports outages.
    this.redis.on('error', () => undefined);
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  async onModuleInit(): Promise<void> {
    // Connect before serving so the first requests are counted in Redis. A Redis that is down
    // does not stop the start: increment() falls back while ioredis keeps reconnecting.
    await this.redis.connect().catch((error: unknown) => {
      this.logger.warn(`Redis unreachable at start: ${String(error)}`);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.local.onApplicationShutdown();
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      return await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      // Once a window, so an outage under load does not flood the log.
      const now = Date.now();
      if (now - this.lastWarningAt >= RATE_LIMIT_WINDOW_MS) {
        this.lastWarningAt = now;
        this.logger.warn(
          `Redis unreachable, rate limits counted in this instance only: ${String(error)}`,
        );
      }
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }
}
