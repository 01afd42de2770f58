import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches, IsOptional } from 'class-validator';
import { trimString } from 'src/common/http/validation';
import { PASSWORD_MAX } from 'src/users/users.dto';

/** The payloads several methods share; each method's own are in its folder. */

/** I1: a string of exactly six ASCII digits; surrounding spaces are forgiven, nothing else. */
function IsSixDigitCode(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example: '123456', pattern: '^[0-9]{6}$' }),
    Transform(trimString),
    IsString(),
    Matches(/^[0-9]{6}$/, { message: 'code must be exactly 6 digits' }),
  );
}

/** Confirming a setup, or answering a challenge, with a 6-digit code. */
export class CodeDto {
  @IsSixDigitCode()
  code!: string;
}

export class PasswordDto {
  @ApiProperty({ format: 'password', description: 'The current password.' })
  @IsString()
  @Length(1, PASSWORD_MAX)
  password!: string;
}

/** With a setup token the password may be left out: the login that gave the token proved it. */
export class OptionalPasswordDto {
  @ApiPropertyOptional({
    format: 'password',
    description: 'The current password; not needed with a setup token.',
  })
  @IsOptional()
  @IsString()
  @Length(1, PASSWORD_MAX)
  password?: string;
}

/** One credential of a method that has several (passkeys); never its secret or public key. */
export class CredentialStatusDto {
  @ApiProperty({
    description: 'Names it in `DELETE /api/me/two-factor/{method}/credentials/{id}`.',
  })
  id!: string;

  @ApiProperty({ example: 'Work laptop' })
  name!: string;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty({ type: Date, nullable: true })
  lastUsedAt!: Date | null;
}
