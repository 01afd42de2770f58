import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from 'src/access/access.module';
import { UsersModule } from 'src/users/users.module';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensService } from './refresh-tokens.service';
import { SessionsService } from './sessions.service';

@Module({
  imports: [UsersModule, AccessModule, TypeOrmModule.forFeature([RefreshToken])],
  providers: [SessionsService, RefreshTokensService],
  exports: [SessionsService],
})
export class SessionsModule {}
