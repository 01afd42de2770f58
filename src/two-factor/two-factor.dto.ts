import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmailAddress, IsText, trimString } from 'src/common/http/validation';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { RECOVERY_CODE_PATTERN } from './recovery/recovery-codes.service';
import { PASSWORD_MAX } from 'src/users/users.dto';
import { TWO_FACTOR_METHODS, type TwoFactorMethod } from './factor-registry';

/** I1: a string of exactly six ASCII digits; surrounding spaces are forgiven, nothing else. */
function IsSixDigitCode(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example: '123456', pattern: '^[0-9]{6}$' }),
    Transform(trimString),
    IsString(),
    Matches(/^[0-9]{6}$/, { message: 'code must be exactly 6 digits' }),
  );
}

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

export class StartEmailSetupDto extends OptionalPasswordDto {
  @ApiProperty({
    example: 'ada.codes@example.org',
    description: 'May differ from the login email.',
  })
  @Transform(trimString)
  @IsEmailAddress()
  email!: string;
}

export class ChallengeTokenDto {
  @ApiProperty({
    description: 'From `POST /api/auth/login` when it answered `two_factor_required`.',
  })
  @IsString()
  @Length(1, 2048)
  challengeToken!: string;
}

/** I1 for 6-digit codes; with `method: "recovery"`, a recovery code such as `K7QMP-ZX4RD`. */
@ValidatorConstraint({ name: 'challengeCode' })
class ChallengeCodeRule implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    if (typeof value !== 'string') return false;
    const recovery = (args.object as VerifyChallengeDto).method === 'recovery';
    return recovery ? RECOVERY_CODE_PATTERN.test(value.toUpperCase()) : /^[0-9]{6}$/.test(value);
  }

  defaultMessage(args: ValidationArguments): string {
    return (args.object as VerifyChallengeDto).method === 'recovery'
      ? 'code must be a recovery code such as K7QMP-ZX4RD'
      : 'code must be exactly 6 digits';
  }
}

export class VerifyChallengeDto extends ChallengeTokenDto {
  @ApiPropertyOptional({
    enum: ['recovery'],
    description:
      'Set to `recovery` to sign in with one of your recovery codes instead of the asked method.',
  })
  @IsOptional()
  @IsIn(['recovery'])
  method?: 'recovery';

  @ApiProperty({
    example: '123456',
    description: '6 digits, or a recovery code with `method: "recovery"`.',
  })
  @Transform(trimString)
  @Validate(ChallengeCodeRule)
  code!: string;

  @ApiPropertyOptional({
    description:
      '"Don\'t ask me again on this device": answers a `deviceToken` (and the `gk_device` cookie) valid 30 days.',
  })
  @IsOptional()
  @IsBoolean()
  rememberDevice?: boolean;

  @ApiPropertyOptional({
    example: 'Work laptop',
    description:
      'Defaults to a name read from the user agent. Bidirectional controls and invisible characters are taken out; a name with nothing visible left gets the default.',
  })
  @IsOptional()
  @IsText(1, 100)
  deviceName?: string;
}

export class SwitchMethodDto extends ChallengeTokenDto {
  @ApiProperty({ enum: TWO_FACTOR_METHODS })
  @IsIn(TWO_FACTOR_METHODS)
  method!: TwoFactorMethod;
}

export class MethodSwitchedDto {
  @ApiProperty({ enum: TWO_FACTOR_METHODS })
  method!: TwoFactorMethod;

  @ApiPropertyOptional({
    example: 'a•••@example.com',
    description: 'Where the code went, when email.',
  })
  emailHint?: string;
}

export class ChallengeDto {
  @ApiProperty({ enum: ['two_factor_required'] })
  status!: 'two_factor_required';

  @ApiProperty({ description: 'Lives 10 minutes; opens only verify, method and resend.' })
  challengeToken!: string;

  @ApiProperty({ enum: TWO_FACTOR_METHODS, description: 'The method last used successfully.' })
  method!: TwoFactorMethod;

  @ApiProperty({ enum: TWO_FACTOR_METHODS, isArray: true })
  methods!: TwoFactorMethod[];

  @ApiPropertyOptional({
    example: 'a•••@example.com',
    description: 'When `method` is email: the code was sent there.',
  })
  emailHint?: string;
}

export class EmailStatusDto {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: String, nullable: true })
  address!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Waiting for its code; the address in force stays until then.',
  })
  pendingAddress!: string | null;
}

export class TotpStatusDto {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: Date, nullable: true })
  configuredAt!: Date | null;
}

export class RecoveryCodesStatusDto {
  @ApiProperty({ description: 'Unused recovery codes left.' })
  remaining!: number;
}

export class TwoFactorStatusDto {
  @ApiProperty({ description: 'Whether two-factor authentication is mandatory for this user.' })
  required!: boolean;

  @ApiProperty({ enum: TWO_FACTOR_METHODS, nullable: true })
  lastUsedMethod!: TwoFactorMethod | null;

  @ApiProperty({ type: EmailStatusDto })
  email!: EmailStatusDto;

  @ApiProperty({ type: TotpStatusDto })
  totp!: TotpStatusDto;

  @ApiProperty({ type: RecoveryCodesStatusDto })
  recoveryCodes!: RecoveryCodesStatusDto;
}

export class PendingAddressDto {
  @ApiProperty()
  pendingAddress!: string;
}

export class EmailEnabledDto {
  @ApiProperty({ enum: [true] })
  enabled!: true;

  @ApiProperty()
  address!: string;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'Base32 manual key (time based). Shown this once only.' })
  secret!: string;

  @ApiProperty({
    example: 'otpauth://totp/Gatekeeper:ada%40example.com?secret=…&issuer=Gatekeeper',
  })
  otpauthUrl!: string;

  @ApiProperty({ description: '`data:image/png;base64,…` QR code of `otpauthUrl`.' })
  qrCode!: string;
}

export class TotpEnabledDto {
  @ApiProperty({ enum: [true] })
  enabled!: true;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: String,
    isArray: true,
    example: ['K7QMP-ZX4RD'],
    description:
      'Shown this once. Each works once at login with `method: "recovery"`; a new set voids the old one.',
  })
  codes!: string[];
}
