import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { IsText, trimString } from 'src/common/http/validation';
import { EmailFactorService } from './email/email-factor.service';
import { METHOD_FACTORS, TWO_FACTOR_METHODS, type TwoFactorMethod } from './factor-registry';
import { RecoveryCodesStatusDto } from './recovery/recovery.dto';
import type { ChallengePrompt } from './second-factor';

/**
 * The second factor at login and the status map, for any registered method. The OpenAPI enums
 * list the built-in methods; requests are checked against the registry at run time.
 */

export class ChallengeTokenDto {
  @ApiProperty({
    description: 'From `POST /api/auth/login` when it answered `two_factor_required`.',
  })
  @IsString()
  @Length(1, 2048)
  challengeToken!: string;
}

export class VerifyChallengeDto extends ChallengeTokenDto {
  @ApiPropertyOptional({
    enum: ['recovery'],
    description:
      'Only `recovery` is accepted: set it to sign in with one of your recovery codes instead of the asked ' +
      'method. Omitted, the answer is for the method the challenge asks (`method` in the login answer; ' +
      'change it with `POST /api/auth/two-factor/method`). Any other value answers 400 `VALIDATION_FAILED`.',
  })
  @IsOptional()
  @IsIn(['recovery'])
  method?: 'recovery';

  @ApiPropertyOptional({
    example: '123456',
    description:
      '6 digits, or a recovery code with `method: "recovery"`. Each method checks its own form (400 `VALIDATION_FAILED`).',
  })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  code?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'For a method that is answered with a JSON object rather than a code (e.g. a WebAuthn assertion for `challenge.options`).',
  })
  @IsOptional()
  @IsObject()
  response?: Record<string, unknown>;

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
  @IsString()
  @Length(1, 16)
  method!: TwoFactorMethod;
}

export class ChallengePromptDto {
  @ApiPropertyOptional({
    example: 'a•••@example.com',
    description: 'To show beside the answer field, e.g. where an emailed code went.',
  })
  hint?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'What the client needs to answer, e.g. WebAuthn request options for this challenge.',
  })
  options?: Record<string, unknown>;
}

export class MethodSwitchedDto {
  @ApiProperty({ enum: TWO_FACTOR_METHODS })
  method!: TwoFactorMethod;

  @ApiPropertyOptional({
    example: 'a•••@example.com',
    description: 'Where the code went, when email. The same as `challenge.hint`.',
  })
  emailHint?: string;

  @ApiPropertyOptional({
    type: ChallengePromptDto,
    description: 'What the method sent the client, when it sends anything.',
  })
  challenge?: ChallengePromptDto;
}

export class ChallengeDto {
  @ApiProperty({ enum: ['two_factor_required'] })
  status!: 'two_factor_required';

  @ApiProperty({ description: 'Lives 10 minutes; opens only verify, method and resend.' })
  challengeToken!: string;

  @ApiProperty({
    enum: [...TWO_FACTOR_METHODS, 'recovery'],
    description:
      "The method last used successfully; `recovery` when none of the user's methods can be asked now (one turned off by configuration): answer with a recovery code.",
  })
  method!: TwoFactorMethod;

  @ApiProperty({
    enum: TWO_FACTOR_METHODS,
    isArray: true,
    description: 'The methods the user can answer with now.',
  })
  methods!: TwoFactorMethod[];

  @ApiPropertyOptional({
    example: 'a•••@example.com',
    description: 'When `method` is email: the code was sent there. The same as `challenge.hint`.',
  })
  emailHint?: string;

  @ApiPropertyOptional({
    type: ChallengePromptDto,
    description: 'What `method` needs shown or answered, when it needs anything.',
  })
  challenge?: ChallengePromptDto;
}

/**
 * How a challenge's prompt is answered: `challenge` for every method; `emailHint`, the field
 * clients had before `challenge`, for email only.
 */
export function promptFields(
  method: TwoFactorMethod,
  prompt: ChallengePrompt | undefined,
): Pick<ChallengeDto, 'emailHint' | 'challenge'> {
  return {
    emailHint: method === EmailFactorService.method ? prompt?.hint : undefined,
    challenge: prompt,
  };
}

/**
 * `GET /api/me/two-factor`: each registered method's status under its name, beside whether
 * 2FA is required, the method last used and the recovery codes left.
 */
export class TwoFactorStatusDto {
  @ApiProperty({ description: 'Whether two-factor authentication is mandatory for this user.' })
  required!: boolean;

  @ApiProperty({ enum: TWO_FACTOR_METHODS, nullable: true })
  lastUsedMethod!: TwoFactorMethod | null;

  recoveryCodes!: RecoveryCodesStatusDto;

  /** Each method's own status DTO (`MethodApi.status`). */
  [method: string]: unknown;
}

// Documented in the order of the answer: the methods by name, then the recovery codes.
for (const factor of [...METHOD_FACTORS].sort((a, b) => a.method.localeCompare(b.method))) {
  ApiProperty({ type: factor.api.status })(TwoFactorStatusDto.prototype, factor.method);
}
ApiProperty({ type: RecoveryCodesStatusDto })(TwoFactorStatusDto.prototype, 'recoveryCodes');
