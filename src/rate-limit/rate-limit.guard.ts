import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { RATE_LIMIT, type RateLimitBucket } from './rate-limit.decorator';
import { RATE_LIMIT_WINDOW_MS, RateLimitStore } from './rate-limit.store';

/**
 * B4: routes marked with @RateLimit take at most RATE_LIMIT_PER_MINUTE requests per client IP
 * and minute. As a global guard it runs before route guards, so a refused login costs no
 * password hash. The IP is `request.ip`, which believes X-Forwarded-For only under TRUST_PROXY.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: RateLimitStore,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const bucket = this.reflector.getAllAndOverride<RateLimitBucket | undefined>(RATE_LIMIT, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!bucket) return true;

    const ip = context.switchToHttp().getRequest<Request>().ip ?? 'unknown';
    const now = this.clock.now().getTime();
    const windowStart = now - (now % RATE_LIMIT_WINDOW_MS);
    const count = await this.store.hit(`${bucket}:${ip}`, windowStart);
    if (count <= this.config.rateLimitPerMinute) return true;

    const retryAfter = Math.max(1, Math.ceil((windowStart + RATE_LIMIT_WINDOW_MS - now) / 1000));
    throw new AppException(
      ErrorCode.TOO_MANY_REQUESTS,
      `Too many requests from your address; try again in ${retryAfter} s`,
      { retryAfter },
    );
  }
}
