import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { DevicesModule } from 'src/devices/devices.module';
import { PolicyModule } from 'src/policy/policy.module';
import { SessionsModule } from 'src/sessions/sessions.module';
import { TwoFactorModule } from 'src/two-factor/two-factor.module';
import { UsersModule } from 'src/users/users.module';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LocalStrategy } from './local.strategy';

@Module({
  imports: [
    UsersModule,
    SessionsModule,
    TwoFactorModule,
    DevicesModule,
    PolicyModule,
    PassportModule,
  ],
  controllers: [AuthController],
  providers: [AuthService, LocalStrategy, { provide: APP_GUARD, useClass: AccessGuard }],
})
export class AuthModule {}
