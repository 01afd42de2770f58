import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { OptionalPasswordDto } from 'src/two-factor/method-payloads.dto';
import type {
  ChallengePrompt,
  MethodApi,
  SecondFactorMethod,
  SetupConfirmation,
  SetupUser,
  VerifyOutcome,
} from 'src/two-factor/second-factor';
import {
  PasskeyCreationOptionsDto,
  PasskeyDto,
  PasskeyStatusDto,
  WebAuthnResponseDto,
} from './passkey.dto';
import { PasskeyService } from './passkey.service';

/**
 * Passkeys as a method of the factor contract: several named credentials, WebAuthn options and
 * responses as JSON. The ceremonies are PasskeyService's; this maps the contract onto them.
 */
@Injectable()
export class PasskeyFactorService implements SecondFactorMethod<WebAuthnResponseDto>, OnModuleInit {
  static readonly method = PasskeyService.method;
  readonly name = PasskeyFactorService.method;
  readonly label = 'passkey or security key';
  readonly answerType = WebAuthnResponseDto;
  static readonly api: MethodApi = {
    begin: {
      operationId: 'beginPasskeySetup',
      body: OptionalPasswordDto,
      status: 200,
      answer: PasskeyCreationOptionsDto,
      description:
        'Adds one more passkey: pass `options` to navigator.credentials.create(), then send its JSON to confirm.',
    },
    confirm: {
      operationId: 'confirmPasskeySetup',
      body: WebAuthnResponseDto,
      answer: PasskeyDto,
      description: '400 PASSKEY_REFUSED for a response that does not verify (W1-W3, W5).',
    },
    remove: { operationId: 'removePasskeyMethod' },
    removeCredential: { operationId: 'removePasskey' },
    status: PasskeyStatusDto,
  };
  readonly api = PasskeyFactorService.api;
  /** False when configuration turns passkeys off: the registry then leaves the method out. */
  readonly offered: boolean;
  private readonly unavailable?: string;

  constructor(
    private readonly passkeys: PasskeyService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.offered = config.webauthn !== undefined;
    this.unavailable = config.webauthnUnavailable;
  }

  onModuleInit(): void {
    if (!this.offered) {
      new Logger(PasskeyFactorService.name).warn(
        `Passkeys are off: ${this.unavailable ?? 'no relying party configured'}`,
      );
    }
  }

  async beginSetup(user: SetupUser): Promise<PasskeyCreationOptionsDto> {
    const options = await this.passkeys.registrationOptions(user);
    return { options: { ...options } };
  }

  /** The response is verified and its challenge spent here; `enable` stores the passkey. */
  async confirmSetup(userId: string, input: WebAuthnResponseDto): Promise<SetupConfirmation> {
    const result = await this.passkeys.verifyRegistration(userId, input.response);
    if (result.outcome !== 'accepted') throw passkeyRefused(result.outcome);
    return { answer: result.passkey, enable: result.store };
  }

  async status(userId: string): Promise<PasskeyStatusDto> {
    const credentials = await this.passkeys.list(userId);
    return { enabled: credentials.length > 0, credentials };
  }

  /** Request options bound to this sign-in's challenge, until it expires (W2). */
  async start(userId: string, challengeId: string): Promise<ChallengePrompt> {
    const options = await this.passkeys.authenticationOptions(userId, challengeId);
    return { options: { ...options } };
  }

  verify(userId: string, challengeId: string, answer: WebAuthnResponseDto): Promise<VerifyOutcome> {
    return this.passkeys.verify(userId, challengeId, answer.response);
  }

  isEnabled(manager: EntityManager, userId: string): Promise<boolean> {
    return this.passkeys.isEnabled(manager, userId);
  }

  remove(manager: EntityManager, userId: string): Promise<void> {
    return this.passkeys.remove(manager, userId);
  }

  removeCredential(manager: EntityManager, userId: string, credentialId: string): Promise<boolean> {
    return this.passkeys.removeCredential(manager, userId, credentialId);
  }
}

export function passkeyRefused(outcome: Exclude<VerifyOutcome, 'accepted'>): AppException {
  return new AppException(
    ErrorCode.PASSKEY_REFUSED,
    outcome === 'expired'
      ? 'The passkey answered too late; start again'
      : 'The passkey’s answer was refused',
  );
}
