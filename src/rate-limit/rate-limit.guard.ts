import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { perIpKey, tooManyRequests } from './per-ip-limits';
import { RATE_LIMIT, type RateLimitBucket } from './rate-limit.decorator';

/**
 * B4: routes marked with @RateLimit take at most RATE_LIMIT_PER_MINUTE requests per client IP
 * and minute, counted by @nestjs/throttler. As a global guard it runs before route guards, so a
 * refused login costs no password hash. The IP is `request.ip`, which believes X-Forwarded-For
 * only under TRUST_PROXY; IPv6 clients are counted per /64, as one host usually holds a whole one.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(!this.bucketOf(context));
  }

  protected override generateKey(context: ExecutionContext, tracker: string): string {
    return perIpKey(this.bucketOf(context)!, tracker);
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    { timeToBlockExpire }: ThrottlerLimitDetail,
  ): Promise<void> {
    throw tooManyRequests(timeToBlockExpire);
  }

  private bucketOf(context: ExecutionContext): RateLimitBucket | undefined {
    return this.reflector.getAllAndOverride<RateLimitBucket | undefined>(RATE_LIMIT, [
      context.getHandler(),
      context.getClass(),
    ]);
  }
}
