import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { IsText } from 'src/common/http/validation';
import { CredentialStatusDto, OptionalPasswordDto } from 'src/two-factor/method-payloads.dto';

/** A fake method's payloads, shaped like WebAuthn's: JSON objects, several credentials. */

export class BeginFakeSetupDto extends OptionalPasswordDto {
  @ApiProperty({ example: 'Test key' })
  @IsText(1, 60)
  name!: string;
}

export class FakeCreationOptionsDto {
  @ApiProperty()
  challenge!: string;
}

/** What the fake "authenticator" answers: the challenge it was given, echoed. */
export class FakeAttestationDto {
  @IsString()
  @Length(1, 64)
  challenge!: string;
}

export class ConfirmFakeSetupDto {
  @IsObject()
  @ValidateNested()
  @Type(() => FakeAttestationDto)
  response!: FakeAttestationDto;
}

export class FakeEnabledDto {
  @ApiProperty()
  credentialId!: string;
}

export class FakeStatusDto {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: CredentialStatusDto, isArray: true })
  credentials!: CredentialStatusDto[];
}

export class FakeAssertionDto {
  @IsString()
  @Length(1, 64)
  credentialId!: string;

  @IsString()
  @Length(1, 64)
  challenge!: string;
}

/** At verify: `{ challengeToken, response: { credentialId, challenge } }`, never a `code`. */
export class FakeAnswerDto {
  @IsObject()
  @ValidateNested()
  @Type(() => FakeAssertionDto)
  response!: FakeAssertionDto;
}
