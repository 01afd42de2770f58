import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class UpdatePolicyDto {
  @ApiProperty({
    description: 'Turning it off removes nobody’s methods; users who have one keep being asked.',
  })
  @IsBoolean()
  twoFactorRequired!: boolean;

  @ApiPropertyOptional({
    description: 'Whether a passkey alone may sign in; unchanged when left out (on by default).',
  })
  @IsOptional()
  @IsBoolean()
  passwordlessSignIn?: boolean;

  @ApiPropertyOptional({
    description:
      'Whether platform support’s actions on this account’s users wait for an administrator’s approval ' +
      '("four eyes"); unchanged when left out (off by default).',
  })
  @IsOptional()
  @IsBoolean()
  supportApprovalRequired?: boolean;
}

export class PolicyDto {
  @ApiProperty({ description: 'This account’s own setting.' })
  twoFactorRequired!: boolean;

  @ApiProperty({
    description: 'Whether a passkey alone may sign in (`POST /api/auth/passkey/verify`).',
  })
  passwordlessSignIn!: boolean;

  @ApiProperty({
    description:
      'Whether platform support’s actions wait for an administrator’s approval (`/api/admin/support-requests`).',
  })
  supportApprovalRequired!: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'TWO_FACTOR_MANDATORY_FROM: from then on 2FA is mandatory for every account, whatever its setting.',
  })
  mandatoryFrom!: Date | null;

  @ApiProperty({
    description: 'Whether 2FA is mandatory now, by this account’s setting or the platform date.',
  })
  enforced!: boolean;
}
