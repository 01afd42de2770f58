import type { EntityManager } from 'typeorm';

/** What checking a code can answer; only `accepted` passes. */
export type VerifyOutcome = 'accepted' | 'invalid' | 'expired' | 'replayed';

/**
 * The contract every second factor implements: the methods a user sets up (app, email) and
 * recovery codes, which stand in for them. Register a new one in factor-registry.ts.
 */
export interface SecondFactor {
  /** The name clients send and see: `totp`, `email`, `recovery`. */
  readonly name: string;
  /** How mails and the panel call it: "authenticator app". */
  readonly label: string;
  /**
   * At a challenge that asks for this factor: sends what the user needs (an email code) and
   * answers a hint to show (where the code went), if any.
   */
  start(userId: string, challengeId: string): Promise<string | undefined>;
  /** Checks one code, consuming it when accepted; decided by the database, once. */
  verify(userId: string, challengeId: string, code: string): Promise<VerifyOutcome>;
  /** Whether the user has it in force, read inside the transaction that changes factors. */
  isEnabled(manager: EntityManager, userId: string): Promise<boolean>;
  /** Removes everything the user had for this factor, in the caller's transaction. */
  remove(manager: EntityManager, userId: string): Promise<void>;
}
