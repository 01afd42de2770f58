import { Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { UsersModule } from 'src/users/users.module';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensService } from './refresh-tokens.service';
import { SessionsService } from './sessions.service';
import { JWT_ISSUER, TokensService } from './tokens.service';

@Module({
  imports: [
    UsersModule,
    TypeOrmModule.forFeature([RefreshToken]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A key object: given a Buffer, jsonwebtoken tries to parse it as a PEM key on every call.
        secret: createSecretKey(config.jwtSecret),
        signOptions: { algorithm: 'HS256', issuer: JWT_ISSUER },
        verifyOptions: { algorithms: ['HS256'], issuer: JWT_ISSUER },
      }),
    }),
  ],
  providers: [SessionsService, TokensService, RefreshTokensService],
  exports: [SessionsService, TokensService],
})
export class SessionsModule {}
