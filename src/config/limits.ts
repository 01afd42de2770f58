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
  /** The pages' own session (`gk_session`); the product session it holds may end sooner. */
  pageSession: { lifetimeMs: 12 * HOUR },
  /** H1: a platform support person's session ends within 8 hours, whatever SESSION_MAX_AGE says. */
  platformSession: { lifetimeMs: 8 * HOUR },
  /** H2: a step-up proof (a second factor just given) lasts 5 minutes. */
  stepUp: { lifetimeMs: 5 * MINUTE },
  /** H3: a temporary access code lasts an hour. */
  temporaryAccessCode: { lifetimeMs: HOUR },
  /** H4: a support request waiting for an account administrator's approval lasts a day. */
  supportRequest: { lifetimeMs: DAY },
  /** H2: actions one support person may take in a chained hour. */
  supportActions: { max: 30, windowMs: HOUR },
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
