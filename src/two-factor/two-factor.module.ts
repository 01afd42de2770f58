import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DevicesModule } from 'src/devices/devices.module';
import { MailModule } from 'src/mail/mail.module';
import { PolicyModule } from 'src/policy/policy.module';
import { SessionsModule } from 'src/sessions/sessions.module';
import { UsersModule } from 'src/users/users.module';
import { AdminTwoFactorController } from './admin-two-factor.controller';
import { ChallengesService } from './challenges.service';
import { EmailFactor } from './email/email-factor.entity';
import { EmailFactorService } from './email/email-factor.service';
import { LoginChallenge } from './login-challenge.entity';
import { MeTwoFactorController } from './me-two-factor.controller';
import { OneTimeCode } from './one-time-code.entity';
import { OneTimeCodesService } from './one-time-codes.service';
import { RecoveryCode } from './recovery/recovery-code.entity';
import { RecoveryCodesService } from './recovery/recovery-codes.service';
import { TotpFactor } from './totp/totp-factor.entity';
import { TotpFactorService } from './totp/totp-factor.service';
import { TotpService } from './totp/totp.service';
import { TwoFactorState } from './two-factor-state.entity';
import { TwoFactorStateService } from './two-factor-state.service';
import { TwoFactorService } from './two-factor.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      EmailFactor,
      TotpFactor,
      OneTimeCode,
      LoginChallenge,
      TwoFactorState,
      RecoveryCode,
    ]),
    UsersModule,
    MailModule,
    SessionsModule,
    DevicesModule,
    PolicyModule,
  ],
  controllers: [MeTwoFactorController, AdminTwoFactorController],
  providers: [
    TwoFactorService,
    ChallengesService,
    EmailFactorService,
    TotpFactorService,
    TotpService,
    OneTimeCodesService,
    TwoFactorStateService,
    RecoveryCodesService,
  ],
  exports: [TwoFactorService, ChallengesService],
})
export class TwoFactorModule {}
