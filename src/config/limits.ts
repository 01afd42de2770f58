const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Every lifetime and attempt limit of the product, in one place (docs/security.md states them).
 * Counters are "chained": each failure within `windowMs` of the previous one adds to the count,
 * and once `max` is reached the subject waits `windowMs` after the last one.
 */
export const LIMITS = {
  challenge: { lifetimeMs: 10 * MINUTE, maxFailures: 5 },
  setupToken: { lifetimeMs: 15 * MINUTE },
  emailCode: { lifetimeMs: 10 * MINUTE, maxFailures: 5, resendCooldownMs: 60 * SECOND },
  trustedDevice: { lifetimeMs: 30 * DAY },
  /** The admin panel's own session; the product session it holds may end sooner. */
  panelSession: { lifetimeMs: 8 * HOUR },
  /** B2: wrong second-factor codes per user, across challenges and factors. */
  secondFactorFailures: { max: 10, windowMs: 15 * MINUTE },
  /** P6: wrong current passwords per user at the routes that re-check it. */
  passwordRecheckFailures: { max: 5, windowMs: 15 * MINUTE },
  /** E7: setup-code mails a user can send to addresses of their choosing. */
  setupMails: { max: 10, windowMs: HOUR },
  setupAddresses: { max: 5, windowMs: HOUR },
  /**
   * I4: connections. A whole request (headers and body) must arrive within `REQUEST_TIMEOUT`
   * (config), checked this often; a kept-alive connection idle this long is closed.
   */
  http: { timeoutCheckIntervalMs: SECOND, keepAliveIdleMs: 5 * SECOND },
} as const;

export interface CounterLimit {
  readonly max: number;
  readonly windowMs: number;
}
