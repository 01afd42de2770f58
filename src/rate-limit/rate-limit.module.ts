import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { AttemptCounter } from './attempt-counter.entity';
import { AttemptLimiter } from './attempt-limiter.service';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitStore } from './rate-limit.store';
import { RedisRateLimitStore } from './redis-rate-limit.store';

/**
 * Per-IP limits (B4), in memory for one instance or in Redis when REDIS_URL is set; and
 * per-user attempt counters (B2, P6, E7), in the database so every instance shares them.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AttemptCounter])],
  providers: [
    {
      provide: RateLimitStore,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): RateLimitStore =>
        config.redisUrl ? new RedisRateLimitStore(config.redisUrl) : new MemoryRateLimitStore(),
    },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    AttemptLimiter,
  ],
  exports: [AttemptLimiter, RateLimitStore],
})
export class RateLimitModule {}
