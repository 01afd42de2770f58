import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmailAddress, trimString } from 'src/common/http/validation';
import { IsOptional, IsString, Length } from 'class-validator';
import { TWO_FACTOR_METHODS, type TwoFactorMethod } from 'src/two-factor/factor-registry';
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
