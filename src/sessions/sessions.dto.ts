import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MeDto } from 'src/users/users.dto';

export class SessionDto {
  @ApiProperty({ enum: ['authenticated'] })
  status!: 'authenticated';

  @ApiProperty({ description: 'JWT for `Authorization: Bearer`; lives `expiresIn` seconds.' })
  accessToken!: string;

  @ApiProperty({ description: 'Opaque, single use: each refresh returns a new one.' })
  refreshToken!: string;

  @ApiProperty({ example: 900 })
  expiresIn!: number;

  @ApiProperty({ type: MeDto })
  user!: MeDto;

  @ApiPropertyOptional({
    description:
      'Only when `rememberDevice` was true: the trusted-device token, valid 30 days, shown once.',
  })
  deviceToken?: string;
}
