import type { EntityManager } from 'typeorm';

/** What checking an answer can answer; only `accepted` passes. */
export type VerifyOutcome = 'accepted' | 'invalid' | 'expired' | 'replayed';

/**
 * A class-validator DTO class. The generic routes validate a payload with it before anything
 * else happens (400 VALIDATION_FAILED, nothing changed), and the OpenAPI document shows it.
 */
export type PayloadType<T extends object = object> = new () => T;

/** A method's name: what clients send and see, a path segment, a short database value. */
export const METHOD_NAME_PATTERN = /^[a-z][a-z0-9-]{1,15}$/;
export const METHOD_NAME_MAX = 16;

/** What a client gets when a challenge asks for a factor; answered as `challenge`. */
export interface ChallengePrompt {
  /** Shown beside the answer field: where an emailed code went (masked), never a secret. */
  hint?: string;
  /** What the client needs to answer, e.g. WebAuthn request options bound to this challenge. */
  options?: Record<string, unknown>;
}

/**
 * What a client sends to pass a challenge, as `POST /api/auth/two-factor/verify` carries it:
 * `code` for the methods that show or send a code, `response` (a JSON object) for the others.
 * The factor's `answerType` decides which it takes and in what form.
 */
export interface ChallengeAnswer {
  code?: string;
  response?: object;
}

/**
 * The contract every second factor implements at a challenge: the methods a user sets up and
 * recovery codes, which stand in for them. Register a method in factor-registry.ts.
 */
export interface SecondFactor<Answer extends ChallengeAnswer = ChallengeAnswer> {
  /** The name clients send and see: `totp`, `email`, `recovery` (METHOD_NAME_PATTERN). */
  readonly name: string;
  /** How mails and the panel call it: "authenticator app". */
  readonly label: string;
  /** Validates the answer at verify; the generic route applies it before an attempt is taken. */
  readonly answerType: PayloadType<Answer>;
  /**
   * At a challenge that asks for this factor: sends what the user needs (an email code) and
   * answers what the client needs (a hint, or options bound to `challengeId`), if anything.
   */
  start(userId: string, challengeId: string): Promise<ChallengePrompt | undefined>;
  /** "Send me another code", where the factor sends one; absent where there is nothing to resend. */
  resend?(userId: string, challengeId: string): Promise<void>;
  /** Checks one answer, consuming what it uses when accepted; decided by the database, once. */
  verify(userId: string, challengeId: string, answer: Answer): Promise<VerifyOutcome>;
  /** Whether the user has it in force, read inside the transaction that changes factors. */
  isEnabled(manager: EntityManager, userId: string): Promise<boolean>;
  /** Removes everything the user had for this factor, in the caller's transaction. */
  remove(manager: EntityManager, userId: string): Promise<void>;
}

/** Who is setting a method up; the password (P6) or the setup token was checked already. */
export interface SetupUser {
  id: string;
  email: string;
}

/**
 * Confirming a setup: the method-specific answer, and `enable`, which puts the method (or one
 * more credential) in force inside the transaction that then records the user's methods
 * (TwoFactorService.changeMethods). Checking the response may happen before, or inside `enable`.
 */
export interface SetupConfirmation {
  answer: object;
  enable: (manager: EntityManager) => Promise<void>;
}

/** One credential of a method that has several (passkeys): what the user and admin may see. */
export interface CredentialStatus {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** How one generic route shows in the OpenAPI document for this method. */
export interface RouteDoc {
  /** Unique across the document; clients generated from it keep their function names. */
  operationId: string;
  description?: string;
}

/**
 * What `POST /api/me/two-factor/{method}`, `…/{method}/confirm`, `…/{method}/resend`,
 * `DELETE …/{method}` and `DELETE …/{method}/credentials/{credentialId}` take and answer for
 * this method: used to validate requests and to write the OpenAPI document.
 */
export interface MethodApi {
  /** The body of setup's first step: `password` (OptionalPasswordDto) and what the method needs. */
  begin: RouteDoc & {
    body: PayloadType<{ password?: string }>;
    status: 200 | 201 | 202;
    answer: PayloadType;
  };
  /** The body and answer of setup's second step; a setup token gets a session instead. */
  confirm: RouteDoc & { body: PayloadType; answer: PayloadType };
  /** Documented only when the method implements `resendSetup`. */
  resend?: RouteDoc;
  remove: RouteDoc;
  /** Documented only when the method implements `removeCredential`. */
  removeCredential?: RouteDoc;
  /** The method's entry in `GET /api/me/two-factor`. */
  status: PayloadType;
}

/**
 * A method a user sets up: the challenge side above, and the rest of its life. Setup begins
 * after the product's password check, answers a method-specific payload (a QR code and key, a
 * masked address, WebAuthn creation options) and is confirmed by a method-specific response.
 */
export interface SecondFactorMethod<
  Answer extends ChallengeAnswer = ChallengeAnswer,
> extends SecondFactor<Answer> {
  readonly api: MethodApi;
  /** False when configuration turns the method off: not offered, though a reset still removes it. */
  readonly offered?: boolean;
  /** Setup's first step with the validated `api.begin.body`; nothing is in force yet. */
  beginSetup(user: SetupUser, input: object): Promise<object>;
  /** Sends setup's code again, for methods that send one. */
  resendSetup?(userId: string): Promise<void>;
  /** Checks the validated `api.confirm.body`; the method is in force once `enable` ran. */
  confirmSetup(userId: string, input: object): Promise<SetupConfirmation>;
  /** What the user (and only the user) may see of it: never a secret. */
  status(userId: string): Promise<object>;
  /**
   * For a method with several credentials: removes one, in the caller's transaction. Answers
   * false when the user has no such credential.
   */
  removeCredential?(manager: EntityManager, userId: string, credentialId: string): Promise<boolean>;
}
