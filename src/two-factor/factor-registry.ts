import { Inject, Injectable, type Type } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { User } from 'src/users/user.entity';
import { EmailFactorService } from './email/email-factor.service';
import { PasskeyFactorService } from './passkey/passkey-factor.service';
import { RecoveryCodesService } from './recovery/recovery-codes.service';
import { METHOD_NAME_PATTERN, type SecondFactor, type SecondFactorMethod } from './second-factor';
import { TemporaryAccessCodesService } from './temporary/temporary-access-codes.service';
import { TotpFactorService } from './totp/totp-factor.service';

/**
 * The methods a user can set up, strongest first (passkeys resist phishing; E6: the app is
 * offered before email). A new method is a folder with a SecondFactorMethod service and one
 * line here (docs/extending.md).
 */
export const METHOD_FACTORS = [
  PasskeyFactorService,
  TotpFactorService,
  EmailFactorService,
] as const;

/** The built-in methods' names: the OpenAPI document's enums. The registry answers at run time. */
export const TWO_FACTOR_METHODS: string[] = METHOD_FACTORS.map((factor) => factor.method);

/** A registered method's name (METHOD_NAME_PATTERN); which ones exist is the registry's to say. */
export type TwoFactorMethod = string;

/** The methods in force, from the user row (kept by TwoFactorService.changeMethods); strongest first. */
export function methodsOf(user: User): TwoFactorMethod[] {
  return user.twoFactorMethods;
}

/**
 * Methods registered from outside this folder, asked after the built-in ones: the extension
 * point `TwoFactorModule.withExtraFactors` fills it (a test's fake method uses it).
 */
export const EXTRA_FACTORS = Symbol('EXTRA_FACTORS');

const METHOD_INSTANCES = Symbol('METHOD_INSTANCES');

/** Keys of `GET /api/me/two-factor` beside the methods', and the stand-ins' own names. */
const RESERVED_NAMES = [
  'required',
  'lastUsedMethod',
  'recoveryCodes',
  RecoveryCodesService.method,
  TemporaryAccessCodesService.method,
];

/** Registers the methods' services with Nest, in the order above, then any extra ones. */
export const FACTOR_PROVIDERS = [
  ...METHOD_FACTORS,
  RecoveryCodesService,
  TemporaryAccessCodesService,
  {
    provide: METHOD_INSTANCES,
    inject: [...METHOD_FACTORS, { token: EXTRA_FACTORS, optional: true }],
    useFactory: (...injected: unknown[]) => {
      const extra = injected.pop() as SecondFactorMethod[] | undefined;
      return [...(injected as SecondFactorMethod[]), ...(extra ?? [])];
    },
  },
];

/** A method class for `withExtraFactors`. */
export type MethodFactorType = Type<SecondFactorMethod>;

@Injectable()
export class FactorRegistry {
  /** The methods offered: set up, asked and shown. */
  readonly methods: readonly SecondFactorMethod[];

  /**
   * @param installed every method, with those configuration turned off (passkeys without a
   * relying party): users may still hold them, so a reset removes them and the user's list of
   * methods keeps them for the day they are turned back on.
   */
  constructor(
    @Inject(METHOD_INSTANCES) private readonly installed: readonly SecondFactorMethod[],
    readonly recovery: RecoveryCodesService,
    readonly temporary: TemporaryAccessCodesService,
  ) {
    this.methods = installed.filter((method) => method.offered !== false);
    const names = installed.map((method) => method.name);
    for (const name of names) {
      // A name is a path segment and a short column value; the status map's keys are its own.
      if (!METHOD_NAME_PATTERN.test(name) || RESERVED_NAMES.includes(name)) {
        throw new Error(`A second-factor method cannot be named ${JSON.stringify(name)}`);
      }
    }
    if (new Set(names).size !== names.length) {
      throw new Error(`Two second-factor methods share a name: ${names.join(', ')}`);
    }
  }

  /** Every registered method's name, strongest first. */
  get names(): TwoFactorMethod[] {
    return this.methods.map((method) => method.name);
  }

  /** The method named in a route; 404 NOT_FOUND for a name no method has. */
  method(name: string): SecondFactorMethod {
    const method = this.find(name);
    if (!method) {
      throw new AppException(ErrorCode.NOT_FOUND, `No two-factor method is named ${name}`);
    }
    return method;
  }

  find(name: string): SecondFactorMethod | undefined {
    return this.methods.find((method) => method.name === name);
  }

  /** What can pass a challenge: a method, or recovery codes or a temporary code standing in for one. */
  factor(name: string): SecondFactor {
    if (name === this.recovery.name) return this.recovery;
    if (name === this.temporary.name) return this.temporary;
    return this.method(name);
  }

  labelOf(name: string): string {
    return this.factor(name).label;
  }

  /** The methods in force for the user, strongest first, read in the caller's transaction. */
  async enabledMethods(manager: EntityManager, userId: string): Promise<TwoFactorMethod[]> {
    const enabled = await Promise.all(
      this.installed.map((method) => method.isEnabled(manager, userId)),
    );
    return this.installed.filter((_, index) => enabled[index]).map((method) => method.name);
  }

  /** Every method, recovery code and temporary code of the user, gone in the caller's transaction. */
  async removeAll(manager: EntityManager, userId: string): Promise<void> {
    for (const factor of [...this.installed, this.recovery, this.temporary]) {
      await factor.remove(manager, userId);
    }
  }
}
