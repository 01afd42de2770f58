import { Module } from '@nestjs/common';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AccessModule } from 'src/access/access.module';
import { UsersModule } from 'src/users/users.module';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensService } from './refresh-tokens.service';
import { SessionsService } from './sessions.service';
import { WebSession } from './web-session.entity';
import { WebSessionStore } from './web-session.store';

@Module({
  imports: [UsersModule, AccessModule, TypeOrmModule.forFeature([RefreshToken, WebSession])],
  providers: [
    SessionsService,
    RefreshTokensService,
    {
      provide: WebSessionStore,
      inject: [getRepositoryToken(WebSession)],
      useFactory: (sessions: Repository<WebSession>) => new WebSessionStore(sessions),
    },
  ],
  exports: [SessionsService, WebSessionStore],
})
export class SessionsModule {}
