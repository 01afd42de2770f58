import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, ThrottlerStorageService } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { AttemptCounter } from './attempt-counter.entity';
import { AttemptLimiter } from './attempt-limiter.service';
import { PerIpLimits, RATE_LIMIT_WINDOW_MS, THROTTLER_NAME } from './per-ip-limits';
import { RateLimitGuard } from './rate-limit.guard';
import { SharedThrottlerStorage } from './shared-throttler.storage';

/**
 * Per-IP limits (B4) on @nestjs/throttler, in memory for one instance or in Redis when REDIS_URL
 * is set; and per-user attempt counters (B2, P6, E7), in the database so every instance shares
 * them and each attempt is reserved in the same conditional UPDATE that decides it.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([AttemptCounter]),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          { name: THROTTLER_NAME, ttl: RATE_LIMIT_WINDOW_MS, limit: config.rateLimitPerMinute },
        ],
        storage: config.redisUrl
          ? new SharedThrottlerStorage(config.redisUrl)
          : new ThrottlerStorageService(),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }, AttemptLimiter, PerIpLimits],
  exports: [AttemptLimiter, PerIpLimits],
})
export class RateLimitModule {}
