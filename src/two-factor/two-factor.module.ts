import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from 'src/mail/mail.module';
import { RateLimitModule } from 'src/rate-limit/rate-limit.module';
import { UsersModule } from 'src/users/users.module';
import { EmailFactor } from './email/email-factor.entity';
import { OneTimeCode } from './email/one-time-code.entity';
import { OneTimeCodesService } from './email/one-time-codes.service';
import {
  EXTRA_FACTORS,
  FACTOR_PROVIDERS,
  FactorRegistry,
  type MethodFactorType,
} from './factor-registry';
import { SecondFactorLockout } from './lockout.service';
import { MethodPreference } from './method-preference.entity';
import { MethodPreferenceService } from './method-preference.service';
import { PasskeyModule } from './passkey/passkey.module';
import { RecoveryCode } from './recovery/recovery-code.entity';
import { TemporaryAccessCode } from './temporary/temporary-access-code.entity';
import { TotpFactor } from './totp/totp-factor.entity';
import { TotpService } from './totp/totp.service';
import { TwoFactorService } from './two-factor.service';

/** Where `TwoFactorModule.withExtraFactors` puts methods registered from outside the module. */
@Module({})
export class ExtraFactorsModule {}

/** The second factors, their codes and the lockout; sessions and devices are auth's to start. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      EmailFactor,
      TotpFactor,
      OneTimeCode,
      MethodPreference,
      RecoveryCode,
      TemporaryAccessCode,
    ]),
    UsersModule,
    MailModule,
    RateLimitModule,
    PasskeyModule,
  ],
  providers: [
    ...FACTOR_PROVIDERS,
    FactorRegistry,
    TwoFactorService,
    TotpService,
    OneTimeCodesService,
    SecondFactorLockout,
    MethodPreferenceService,
  ],
  exports: [
    FactorRegistry,
    TwoFactorService,
    SecondFactorLockout,
    MethodPreferenceService,
    PasskeyModule,
  ],
})
export class TwoFactorModule {
  /**
   * The extension point for methods kept outside `src/two-factor/` (a test's fake method):
   * imported beside `AppModule`, it registers each class as a provider of a global module,
   * and the registry asks them after the built-in methods. Their own dependencies must be
   * global (clock, crypto, database) or come with `imports`.
   */
  static withExtraFactors(
    factors: MethodFactorType[],
    imports: DynamicModule['imports'] = [],
  ): DynamicModule {
    return {
      module: ExtraFactorsModule,
      global: true,
      imports,
      providers: [
        ...factors,
        { provide: EXTRA_FACTORS, inject: factors, useFactory: (...methods: unknown[]) => methods },
      ],
      exports: [EXTRA_FACTORS],
    };
  }
}
