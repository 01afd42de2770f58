import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RateLimitModule } from 'src/rate-limit/rate-limit.module';
import { MeController } from './me.controller';
import { PasswordRecheckService } from './password-recheck.service';
import { PasswordService } from './password.service';
import { User } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), RateLimitModule],
  controllers: [MeController],
  providers: [UsersService, PasswordService, PasswordRecheckService],
  exports: [UsersService, PasswordService, PasswordRecheckService],
})
export class UsersModule {}
