import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { JWT_ISSUER, TokensService } from './tokens.service';

/** Signing and verifying the product's tokens; the guard that reads them lives in auth. */
@Module({
  imports: [
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
  providers: [TokensService],
  exports: [TokensService],
})
export class AccessModule {}
