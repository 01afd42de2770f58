import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from 'src/access/access.module';
import { DevicesModule } from 'src/devices/devices.module';
import { MailModule } from 'src/mail/mail.module';
import { PolicyModule } from 'src/policy/policy.module';
import { SessionsModule } from 'src/sessions/sessions.module';
import { TwoFactorModule } from 'src/two-factor/two-factor.module';
import { UsersModule } from 'src/users/users.module';
import { AccessGuard } from './access.guard';
import { AccessService } from './access.service';
import { AccountSessionsService } from './account-sessions.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ChallengesService } from './challenges.service';
import { LocalStrategy } from './local.strategy';
import { LoginChallenge } from './login-challenge.entity';
import { MethodSettingsService } from './method-settings.service';
import { MethodSetupService } from './method-setup.service';
import { PasskeySignInService } from './passkey-sign-in.service';
import { PasswordGate } from './password-gate.service';
import { StepUpService } from './step-up.service';
import { TwoFactorResetService } from './two-factor-reset.service';
import { TwoFactorSettingsController } from './two-factor-settings.controller';
import { UserStatusService } from './user-status.service';

/** Signing in and account security, orchestrating the modules below; and the global guard. */
@Module({
  imports: [
    TypeOrmModule.forFeature([LoginChallenge]),
    AccessModule,
    UsersModule,
    SessionsModule,
    TwoFactorModule,
    DevicesModule,
    PolicyModule,
    MailModule,
    PassportModule,
  ],
  controllers: [AuthController, TwoFactorSettingsController],
  providers: [
    AuthService,
    PasskeySignInService,
    PasswordGate,
    MethodSetupService,
    MethodSettingsService,
    AccountSessionsService,
    TwoFactorResetService,
    UserStatusService,
    StepUpService,
    AccessService,
    ChallengesService,
    LocalStrategy,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [
    AccessService,
    StepUpService,
    AuthService,
    TwoFactorResetService,
    UserStatusService,
    ChallengesService,
    MethodSetupService,
    MethodSettingsService,
    AccountSessionsService,
    PasskeySignInService,
  ],
})
export class AuthModule {}
