import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { User } from 'src/users/user.entity';
import { EmailFactorService } from './email/email-factor.service';
import { RecoveryCodesService } from './recovery/recovery-codes.service';
import type { SecondFactor } from './second-factor';
import { TotpFactorService } from './totp/totp-factor.service';

/**
 * The methods a user can set up, strongest first (E6: the app is offered before email). A new
 * method is a folder with a SecondFactor service and one line here (docs/extending.md).
 */
export const METHOD_FACTORS = [TotpFactorService, EmailFactorService] as const;

export type TwoFactorMethod = (typeof METHOD_FACTORS)[number]['method'];
export const TWO_FACTOR_METHODS: TwoFactorMethod[] = METHOD_FACTORS.map((factor) => factor.method);

/** The methods in force, from the user row (kept by TwoFactorService.enableMethod); strongest first. */
export function methodsOf(user: User): TwoFactorMethod[] {
  return user.twoFactorMethods as TwoFactorMethod[];
}

/** What can pass a challenge: a method, or a recovery code standing in for one. */
export type FactorName = TwoFactorMethod | typeof RecoveryCodesService.method;

const METHOD_INSTANCES = Symbol('METHOD_INSTANCES');

/** Registers the methods' services with Nest, in the order above. */
export const FACTOR_PROVIDERS = [
  ...METHOD_FACTORS,
  RecoveryCodesService,
  {
    provide: METHOD_INSTANCES,
    inject: [...METHOD_FACTORS],
    useFactory: (...methods: SecondFactor[]) => methods,
  },
];

@Injectable()
export class FactorRegistry {
  constructor(
    @Inject(METHOD_INSTANCES) private readonly methods: SecondFactor[],
    readonly recovery: RecoveryCodesService,
  ) {}

  get(name: FactorName): SecondFactor {
    if (name === this.recovery.name) return this.recovery;
    const factor = this.methods.find((method) => method.name === name);
    if (!factor) throw new Error(`No second factor named ${name}`);
    return factor;
  }

  labelOf(method: TwoFactorMethod): string {
    return this.get(method).label;
  }

  /** The methods in force for the user, strongest first, read in the caller's transaction. */
  async enabledMethods(manager: EntityManager, userId: string): Promise<TwoFactorMethod[]> {
    const enabled = await Promise.all(
      this.methods.map((method) => method.isEnabled(manager, userId)),
    );
    return this.methods
      .filter((_, index) => enabled[index])
      .map((method) => method.name as TwoFactorMethod);
  }

  /** Every method and recovery code of the user, gone in the caller's transaction. */
  async removeAll(manager: EntityManager, userId: string): Promise<void> {
    for (const factor of [...this.methods, this.recovery]) await factor.remove(manager, userId);
  }
}
