import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional } from 'class-validator';
import { IsText } from 'src/common/http/validation';
import { CredentialStatusDto } from 'src/two-factor/method-payloads.dto';
import { PASSKEY_NAME_MAX_LENGTH } from './passkey-credential.entity';

/** A browser's WebAuthn answer as JSON (PublicKeyCredential.toJSON()); the service reads it. */
export class WebAuthnResponseDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What navigator.credentials.create() or get() answered, as JSON.',
  })
  @IsObject()
  response!: Record<string, unknown>;
}

export class PasskeyCreationOptionsDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create(); valid 5 minutes, once.',
  })
  options!: Record<string, unknown>;
}

/** One passkey as its owner sees it; never its key or credential id. */
export class PasskeyDto extends CredentialStatusDto {
  @ApiProperty({ enum: ['multiDevice', 'singleDevice'] })
  deviceType!: string;

  @ApiProperty({ description: 'A synced passkey that is backed up.' })
  backedUp!: boolean;

  @ApiProperty({ type: String, isArray: true, example: ['internal', 'hybrid'] })
  transports!: string[];
}

export class PasskeyStatusDto {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: PasskeyDto, isArray: true })
  credentials!: PasskeyDto[];
}

export class RenamePasskeyDto {
  @ApiProperty({ example: 'Work laptop' })
  @IsText(1, PASSKEY_NAME_MAX_LENGTH)
  name!: string;
}

export class PasswordlessOptionsDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get(), without allowCredentials; valid 5 minutes, once.',
  })
  options!: Record<string, unknown>;
}

export class PasswordlessSignInDto extends WebAuthnResponseDto {
  @ApiPropertyOptional({
    description: '"Don\'t ask me again on this device", as at the second factor.',
  })
  @IsOptional()
  @IsBoolean()
  rememberDevice?: boolean;
}
