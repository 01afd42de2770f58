import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from 'src/mail/mail.module';
import { RateLimitModule } from 'src/rate-limit/rate-limit.module';
import { UsersModule } from 'src/users/users.module';
import { EmailFactor } from './email/email-factor.entity';
import { OneTimeCode } from './email/one-time-code.entity';
import { OneTimeCodesService } from './email/one-time-codes.service';
import { FACTOR_PROVIDERS, FactorRegistry, METHOD_FACTORS } from './factor-registry';
import { SecondFactorLockout } from './lockout.service';
import { MethodPreference } from './method-preference.entity';
import { MethodPreferenceService } from './method-preference.service';
import { RecoveryCode } from './recovery/recovery-code.entity';
import { RecoveryCodesService } from './recovery/recovery-codes.service';
import { TotpFactor } from './totp/totp-factor.entity';
import { TotpService } from './totp/totp.service';
import { TwoFactorService } from './two-factor.service';

/** The second factors, their codes and the lockout; sessions and devices are auth's to start. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      EmailFactor,
      TotpFactor,
      OneTimeCode,
      MethodPreference,
      RecoveryCode,
    ]),
    UsersModule,
    MailModule,
    RateLimitModule,
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
    ...METHOD_FACTORS,
    RecoveryCodesService,
    FactorRegistry,
    TwoFactorService,
    SecondFactorLockout,
    MethodPreferenceService,
  ],
})
export class TwoFactorModule {}
