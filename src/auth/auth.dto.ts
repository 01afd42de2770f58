import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { MeDto, PASSWORD_MAX } from 'src/users/users.dto';

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail()
  @MaxLength(254)
  email!: string;

  /** Any length up to the maximum is checked, so a short wrong password is just wrong, not invalid. */
  @ApiProperty({ format: 'password', maxLength: PASSWORD_MAX })
  @IsString()
  @Length(1, PASSWORD_MAX)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh.' })
  @IsString()
  @Length(1, 512)
  refreshToken!: string;
}

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
}
