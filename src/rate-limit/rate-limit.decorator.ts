import { SetMetadata } from '@nestjs/common';

export const RATE_LIMIT = 'gatekeeper:rate-limit';

/** Each bucket counts on its own, so using up logins does not block verifying (B4). */
export type RateLimitBucket =
  'login' | 'verify' | 'method' | 'resend' | 'passkey' | 'panel-sign-in';

/** Limits a route to RATE_LIMIT_PER_MINUTE requests per client IP per minute in this bucket. */
export const RateLimit = (bucket: RateLimitBucket) => SetMetadata(RATE_LIMIT, bucket);
