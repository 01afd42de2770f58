import { Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, normalizeIp, ThrottlerStorage } from '@nestjs/throttler';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import type { RateLimitBucket } from './rate-limit.decorator';

export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Our one throttler; the bucket is part of the key. "default" keeps plain `Retry-After` headers. */
export const THROTTLER_NAME = 'default';

export type PerIpDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** B4's refusal, for the guard and the panel alike: 429 with `retryAfter` (and Retry-After). */
export function tooManyRequests(retryAfterSeconds: number): AppException {
  const retryAfter = Math.max(1, retryAfterSeconds);
  return new AppException(
    ErrorCode.TOO_MANY_REQUESTS,
    `Too many requests from your address; try again in ${retryAfter} s`,
    { retryAfter },
  );
}

/** The key of one client address in one bucket, for the guard and the panel's sign-in alike. */
export const perIpKey = (bucket: RateLimitBucket, ip: string): string => `${bucket}:${ip}`;

/**
 * B4 outside Nest's guards: the admin panel's sign-in forms are Express routes, and count in the
 * same storage (and so in Redis when set) as the API's routes.
 */
@Injectable()
export class PerIpLimits {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async consume(bucket: RateLimitBucket, ip: string | null): Promise<PerIpDecision> {
    const record = await this.storage.increment(
      perIpKey(bucket, normalizeIp(ip ?? 'unknown')),
      RATE_LIMIT_WINDOW_MS,
      this.config.rateLimitPerMinute,
      RATE_LIMIT_WINDOW_MS,
      THROTTLER_NAME,
    );
    return record.isBlocked
      ? { allowed: false, retryAfterSeconds: Math.max(1, record.timeToBlockExpire) }
      : { allowed: true };
  }

  /** `consume`, refusing with the API's 429 once the bucket is used up. */
  async take(bucket: RateLimitBucket, ip: string | null): Promise<void> {
    const decision = await this.consume(bucket, ip);
    if (!decision.allowed) throw tooManyRequests(decision.retryAfterSeconds);
  }
}
