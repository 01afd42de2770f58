import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { Repository, type EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { AppConfig, WebAuthnConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { LIMITS } from 'src/config/limits';
import { sqlAffected } from 'src/database/sql';
import { isUniqueViolation } from 'src/database/unique-violation';
import type { VerifyOutcome } from 'src/two-factor/second-factor';
import { ambientRepository } from 'src/database/transactions';
import { PasskeyCredential } from './passkey-credential.entity';
import { defaultPasskeyName } from './passkey-names';
import { WebAuthnChallenges, type ChallengeBinding } from './webauthn-challenges.service';
import { challengeOf, readAssertion, readRegistration } from './webauthn-responses';

/** How long a registration or a passwordless sign-in may take from its options to its answer. */
const CEREMONY_LIFETIME_MS = 5 * 60_000;
/**
 * W3: a counter must grow, unless the authenticator never counts (0 stored, 0 given). Checked
 * on the read row first, then decided by the UPDATE that stores it, so of two assertions with
 * one counter value only one passes, even in parallel.
 */
const COUNTER_ADVANCES = '(counter < ? OR (? = 0 AND counter = 0))';

export interface PasskeyUser {
  id: string;
  email: string;
  /** What the browser shows beside the email; the email when not given. */
  name?: string;
}

/** What the profile shows of a passkey; never its key or credential id. */
export interface PasskeySummary {
  id: string;
  name: string;
  /** `multiDevice`: a synced passkey; `singleDevice`: bound to one authenticator. */
  deviceType: string;
  backedUp: boolean;
  transports: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

/**
 * A verified registration, its challenge spent: `store` adds the passkey in the caller's
 * transaction (the one that records the user's methods), and throws if the credential was
 * added meanwhile.
 */
export type RegistrationResult =
  | {
      outcome: 'accepted';
      passkey: PasskeySummary;
      store: (manager: EntityManager) => Promise<void>;
    }
  | { outcome: Exclude<VerifyOutcome, 'accepted'> };

/**
 * `userId` is set once a genuine signature named the user: on `accepted`, and on `replayed`
 * so that the refusal can be audited against them (W3).
 */
export interface AssertionResult {
  outcome: VerifyOutcome;
  userId?: string;
}

/**
 * Passkeys (WebAuthn): registration, assertions as a second factor or for passwordless sign-in,
 * and the user's list. Origins and RP id come from configuration (W1); challenges are bound and
 * single use (W2); counters only advance (W3); passwordless needs user verification (W4); a
 * credential belongs to one user (W5). A malformed or forged response answers `invalid`, never
 * an error. Callers check the password where one is needed (adding and removing).
 */
@Injectable()
export class PasskeyService {
  static readonly method = 'passkey';
  readonly name = PasskeyService.method;
  readonly label = 'passkey or security key';
  private readonly logger = new Logger(PasskeyService.name);
  private readonly configured?: WebAuthnConfig;

  constructor(
    @InjectRepository(PasskeyCredential)
    private readonly credentials: Repository<PasskeyCredential>,
    private readonly challenges: WebAuthnChallenges,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.configured = config.webauthn;
  }

  /** Passkeys are off without a relying party (AppConfig.webauthn): nothing here answers then. */
  private get relyingParty(): WebAuthnConfig {
    if (!this.configured) throw new AppException(ErrorCode.NOT_FOUND, 'Passkeys are off');
    return this.configured;
  }

  /** Options for navigator.credentials.create(), excluding the authenticators already added. */
  async registrationOptions(user: PasskeyUser): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const now = this.clock.now();
    const challenge = await this.challenges.issue(
      { purpose: 'registration', userId: user.id },
      now,
      new Date(now.getTime() + CEREMONY_LIFETIME_MS),
    );
    return generateRegistrationOptions({
      rpName: this.relyingParty.rpName,
      rpID: this.relyingParty.rpId,
      userName: user.email,
      userDisplayName: user.name ?? user.email,
      userID: bytes(userHandleOf(user.id)),
      challenge: bytes(challenge),
      timeout: CEREMONY_LIFETIME_MS,
      attestationType: 'none',
      excludeCredentials: await this.descriptors(user.id),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
  }

  /**
   * Verifies the browser's answer to `registrationOptions` and spends its challenge; the
   * passkey, named after its model where known, is added by the result's `store`.
   */
  async verifyRegistration(userId: string, input: unknown): Promise<RegistrationResult> {
    const response = readRegistration(input);
    if (!response) return { outcome: 'invalid' };
    const now = this.clock.now();
    const check = await this.challenges.check(
      challengeOf(response),
      { purpose: 'registration', userId },
      now,
    );
    if ('outcome' in check) return check;
    const verified = await this.refusingErrors('registration', () =>
      verifyRegistrationResponse({
        response,
        expectedChallenge: check.challenge.challenge,
        expectedOrigin: this.relyingParty.origins,
        expectedRPID: this.relyingParty.rpId,
        requireUserVerification: false,
      }),
    );
    // Attestation is asked as `none` and trusted for nothing, but a client may send the
    // authenticator's own (packed, fido-u2f, tpm…): accepted once its signature verifies.
    const info = verified?.verified ? verified.registrationInfo : undefined;
    // The id the browser sent is the one the authenticator signed, so it fits the column.
    if (!info || info.credential.id !== response.id) {
      return { outcome: 'invalid' };
    }
    if (!(await this.challenges.consume(this.credentials.manager, check.challenge, now))) {
      return { outcome: 'replayed' };
    }
    // W5: a credential already bound to a user (this one, or another) is not added again.
    if (await this.credentials.existsBy({ credentialId: info.credential.id })) {
      return { outcome: 'invalid' };
    }
    const taken = await this.credentials.find({ where: { userId }, select: { name: true } });
    const passkey = this.credentials.create({
      userId,
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: response.response.transports ?? [],
      aaguid: info.aaguid,
      backedUp: info.credentialBackedUp,
      deviceType: info.credentialDeviceType,
      name: defaultPasskeyName(
        info.aaguid,
        taken.map((other) => other.name),
      ),
      createdAt: now,
      lastUsedAt: null,
    });
    return {
      outcome: 'accepted',
      passkey: summaryOf(passkey),
      store: async (manager) => {
        try {
          await manager.insert(PasskeyCredential, passkey);
        } catch (error) {
          // W5: the same credential was added by a parallel registration.
          if (isUniqueViolation(error)) throw alreadyRegistered();
          throw error;
        }
      },
    };
  }

  /**
   * Options for a second factor at the sign-in `signInId`, only for it and until it expires
   * (W2): pass its expiry, or a sign-in's lifetime from now is taken, which its own expiry
   * bounds anyway. User presence is required and verification preferred (W4).
   */
  async authenticationOptions(
    userId: string,
    signInId: string,
    expiresAt: Date = new Date(this.clock.now().getTime() + LIMITS.challenge.lifetimeMs),
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const now = this.clock.now();
    const challenge = await this.challenges.issue(
      { purpose: 'authentication', userId, signInId },
      now,
      expiresAt,
    );
    return generateAuthenticationOptions({
      rpID: this.relyingParty.rpId,
      challenge: bytes(challenge),
      timeout: Math.max(0, expiresAt.getTime() - now.getTime()),
      userVerification: 'preferred',
      allowCredentials: await this.descriptors(userId),
    });
  }

  /** The second factor: an assertion by one of the user's passkeys over this sign-in's challenge. */
  async verify(userId: string, signInId: string, input: unknown): Promise<VerifyOutcome> {
    return (await this.assert(input, { purpose: 'authentication', userId, signInId })).outcome;
  }

  /** Options for signing in with a discoverable passkey alone: no user yet, so no list (W4). */
  async passwordlessOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const now = this.clock.now();
    const challenge = await this.challenges.issue(
      { purpose: 'passwordless' },
      now,
      new Date(now.getTime() + CEREMONY_LIFETIME_MS),
    );
    return generateAuthenticationOptions({
      rpID: this.relyingParty.rpId,
      challenge: bytes(challenge),
      timeout: CEREMONY_LIFETIME_MS,
      userVerification: 'required',
    });
  }

  /**
   * Whose passkey an assertion claims to come from, unverified: for taking an attempt on that
   * user's lockout before the assertion is checked. Undefined for no known passkey.
   */
  async claimedOwner(input: unknown): Promise<string | undefined> {
    const response = readAssertion(input);
    if (!response) return undefined;
    const passkey = await this.credentials.findOne({
      where: { credentialId: response.id },
      select: { userId: true },
    });
    return passkey?.userId;
  }

  /** Passwordless sign-in: the passkey names its user, and must have verified them (W4). */
  verifyPasswordless(input: unknown): Promise<AssertionResult> {
    return this.assert(input, { purpose: 'passwordless' });
  }

  async list(userId: string): Promise<PasskeySummary[]> {
    const passkeys = await this.credentials.find({
      where: { userId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return passkeys.map(summaryOf);
  }

  /** No password needed: a name changes nothing about security. */
  async rename(userId: string, passkeyId: string, name: string): Promise<PasskeySummary> {
    const passkey = await this.credentials.findOneBy({ id: passkeyId, userId });
    if (!passkey) throw passkeyNotFound();
    await this.credentials.update({ id: passkey.id }, { name });
    return summaryOf({ ...passkey, name });
  }

  /** Removes one of the user's passkeys, in the caller's transaction; false if not theirs (W5). */
  async removeCredential(
    manager: EntityManager,
    userId: string,
    passkeyId: string,
  ): Promise<boolean> {
    const removed = await manager.delete(PasskeyCredential, { id: passkeyId, userId });
    return removed.affected === 1;
  }

  async isEnabled(manager: EntityManager, userId: string): Promise<boolean> {
    return (await manager.countBy(PasskeyCredential, { userId })) > 0;
  }

  /** Every passkey of the user and their open challenges, in the caller's transaction (reset). */
  async remove(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(PasskeyCredential, { userId });
    await this.challenges.removeAll(manager, userId);
  }

  /**
   * Checks one assertion and spends its challenge and counter value once. Nothing is spent by a
   * response that fails before its signature is proven; a `replayed` is always a genuine one.
   */
  private async assert(input: unknown, binding: ChallengeBinding): Promise<AssertionResult> {
    const response = readAssertion(input);
    if (!response) return { outcome: 'invalid' };
    const now = this.clock.now();
    const check = await this.challenges.check(challengeOf(response), binding, now);
    if ('outcome' in check) return check;
    const passkey = await ambientRepository(this.credentials).findOneBy({
      credentialId: response.id,
    });
    if (!passkey || !ownedBy(passkey, binding, response.response.userHandle)) {
      return { outcome: 'invalid' };
    }
    const verified = await this.refusingErrors('assertion', () =>
      verifyAuthenticationResponse({
        response,
        expectedChallenge: check.challenge.challenge,
        expectedOrigin: this.relyingParty.origins,
        expectedRPID: this.relyingParty.rpId,
        // The library's own counter rule is switched off (0 never refuses) so that the stored
        // counter is compared below, after the signature: a regression is then told apart from
        // a forgery and audited as a replay (W3).
        credential: {
          id: passkey.credentialId,
          publicKey: bytes(passkey.publicKey),
          counter: 0,
        },
        requireUserVerification: binding.purpose === 'passwordless',
      }),
    );
    if (!verified?.verified) return { outcome: 'invalid' };
    const { newCounter, credentialBackedUp } = verified.authenticationInfo;
    const userId = passkey.userId;
    const counterAdvances =
      newCounter > passkey.counter || (newCounter === 0 && passkey.counter === 0);
    if (!counterAdvances) return { outcome: 'replayed', userId };
    if (!(await this.challenges.consume(this.credentials.manager, check.challenge, now))) {
      return { outcome: 'replayed', userId };
    }
    const advanced = await sqlAffected(
      this.credentials.manager,
      `UPDATE passkey_credentials SET counter = ?, backedUp = ?, lastUsedAt = ?
        WHERE id = ? AND ${COUNTER_ADVANCES}`,
      [newCounter, credentialBackedUp, now, passkey.id, newCounter, newCounter],
    );
    return { outcome: advanced === 1 ? 'accepted' : 'replayed', userId };
  }

  private async descriptors(userId: string) {
    const passkeys = await this.credentials.find({
      where: { userId },
      select: { credentialId: true, transports: true },
    });
    return passkeys.map(({ credentialId, transports }) => ({ id: credentialId, transports }));
  }

  /** The library throws on malformed or forged responses: a refusal, never a server error. */
  private async refusingErrors<T>(
    ceremony: string,
    verify: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await verify();
    } catch (error) {
      this.logger.debug(
        `Passkey ${ceremony} refused: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  }
}

/**
 * W5: the passkey is the signing-in user's; without a user yet (passwordless), the user handle
 * the authenticator returns must be present and name the passkey's owner.
 */
function ownedBy(
  passkey: PasskeyCredential,
  binding: ChallengeBinding,
  userHandle: string | undefined,
): boolean {
  if (userHandle !== undefined && userHandle !== userHandleOf(passkey.userId)) return false;
  return binding.purpose === 'passwordless'
    ? userHandle !== undefined
    : 'userId' in binding && binding.userId === passkey.userId;
}

/** The WebAuthn user handle: the user's id, which is no personal information. */
function userHandleOf(userId: string): string {
  return Buffer.from(userId, 'utf8').toString('base64url');
}

function bytes(base64url: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(base64url, 'base64url'));
}

function summaryOf(passkey: PasskeyCredential): PasskeySummary {
  return {
    id: passkey.id,
    name: passkey.name,
    deviceType: passkey.deviceType,
    backedUp: passkey.backedUp,
    transports: passkey.transports,
    createdAt: passkey.createdAt,
    lastUsedAt: passkey.lastUsedAt,
  };
}

function passkeyNotFound(): AppException {
  return new AppException(ErrorCode.NOT_FOUND, 'No such passkey');
}

function alreadyRegistered(): AppException {
  return new AppException(ErrorCode.VALIDATION_FAILED, 'This passkey is registered already');
}
