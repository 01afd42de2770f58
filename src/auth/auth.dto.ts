import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmailAddress, trimString } from 'src/common/http/validation';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { TWO_FACTOR_METHODS, type TwoFactorMethod } from 'src/two-factor/factor-registry';
import { RecoveryCodesService } from 'src/two-factor/recovery/recovery-codes.service';
import { ChallengePromptDto, ChallengeTokenDto } from 'src/two-factor/two-factor.dto';
import { PASSWORD_MAX, PASSWORD_MIN } from 'src/users/users.dto';

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trimString)
  @IsEmailAddress()
  email!: string;

  /** Any length up to the maximum is checked, so a short wrong password is just wrong, not invalid. */
  @ApiProperty({ format: 'password', maxLength: PASSWORD_MAX })
  @IsString()
  @Length(1, PASSWORD_MAX)
  password!: string;

  @ApiPropertyOptional({ description: 'A trusted-device token; the `gk_device` cookie works too.' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  deviceToken?: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh.' })
  @IsString()
  @Length(1, 512)
  refreshToken!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, PASSWORD_MAX)
  currentPassword!: string;

  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  newPassword!: string;
}

export class SetupRequiredDto {
  @ApiProperty({ enum: ['two_factor_setup_required'] })
  status!: 'two_factor_setup_required';

  @ApiProperty({
    description:
      "Lives 15 minutes; opens only `GET /api/me/two-factor` and the methods' setup endpoints, without the password.",
  })
  setupToken!: string;

  @ApiProperty({
    enum: [...TWO_FACTOR_METHODS].sort(),
    isArray: true,
    description: 'Every method that can be set up, alphabetical.',
  })
  methods!: TwoFactorMethod[];
}

/** H3: the second step of a sign-in, answered with a temporary access code from the support desk. */
export class TemporaryCodeVerifyDto extends ChallengeTokenDto {
  @ApiProperty({
    example: 'K7QM-PZX4-RDT2',
    description: 'The code a support person read out; dashes and case do not matter.',
  })
  @IsString()
  @Length(1, 32)
  code!: string;
}

/** What a step-up can ask for: a method, or a recovery code standing in for one. */
const STEP_UP_FACTORS = [...TWO_FACTOR_METHODS, RecoveryCodesService.method];

/** H2: the first step of a step-up: which of the caller's methods to answer. */
export class StartStepUpDto {
  @ApiProperty({
    enum: STEP_UP_FACTORS,
    description:
      'One of the caller’s methods in force, or `recovery` while they have a recovery code left.',
  })
  @IsString()
  @Length(1, 16)
  method!: TwoFactorMethod;
}

export class StepUpStartedDto {
  @ApiProperty({ format: 'uuid', description: 'Answer it at `POST /api/auth/step-up`.' })
  stepUpId!: string;

  @ApiProperty({ enum: STEP_UP_FACTORS })
  method!: TwoFactorMethod;

  @ApiPropertyOptional({
    type: ChallengePromptDto,
    description: 'What the method needs shown or answered (a hint, WebAuthn request options).',
  })
  challenge?: ChallengePromptDto;
}

export class StepUpDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  stepUpId!: string;

  @ApiPropertyOptional({
    enum: ['recovery'],
    description: 'Set to `recovery` to answer with a recovery code instead.',
  })
  @IsOptional()
  @IsIn(['recovery'])
  method?: 'recovery';

  @ApiPropertyOptional({ example: '123456', description: 'A code, for the methods that use one.' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  code?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'A WebAuthn assertion for `challenge.options`, for a passkey.',
  })
  @IsOptional()
  @IsObject()
  response?: Record<string, unknown>;
}

export class StepUpProofDto {
  @ApiProperty({
    description:
      'Proof of a second factor given just now in this session; support actions take it as `stepUpToken`.',
  })
  stepUpToken!: string;

  @ApiProperty({ example: 300, description: 'Seconds it stays valid.' })
  expiresIn!: number;
}
