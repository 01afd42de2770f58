import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasskeyCredential } from './passkey-credential.entity';
import { PasskeyService } from './passkey.service';
import { WebAuthnChallenge } from './webauthn-challenge.entity';
import { WebAuthnChallenges } from './webauthn-challenges.service';

/** Passkeys as a second factor and for passwordless sign-in (issue 15). */
@Module({
  imports: [TypeOrmModule.forFeature([PasskeyCredential, WebAuthnChallenge])],
  providers: [PasskeyService, WebAuthnChallenges],
  exports: [PasskeyService],
})
export class PasskeyModule {}
