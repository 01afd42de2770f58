import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { trimString } from 'src/common/http/validation';
import { IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PageDto, PageQueryDto } from 'src/common/http/page-query.dto';
import { TWO_FACTOR_METHODS, type TwoFactorMethod } from 'src/two-factor/two-factor-method';
import { ROLES, type Role } from './user.entity';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @Transform(trimString)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 120 })
  @Transform(trimString)
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password' })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Matches anywhere in the email or the name, case-insensitively.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  search?: string;

  @ApiPropertyOptional({
    enum: ['enabled', 'disabled'],
    description: 'Only users who have (or lack) at least one second factor.',
  })
  @IsOptional()
  @IsIn(['enabled', 'disabled'])
  twoFactor?: 'enabled' | 'disabled';
}

export class AccountSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;
}

export class MeDto extends UserDto {
  @ApiProperty({ type: AccountSummaryDto })
  account!: AccountSummaryDto;
}

export class TwoFactorSummaryDto {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ enum: TWO_FACTOR_METHODS, isArray: true })
  methods!: TwoFactorMethod[];
}

export class AdminUserDto extends UserDto {
  @ApiProperty()
  active!: boolean;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty({ type: TwoFactorSummaryDto })
  twoFactor!: TwoFactorSummaryDto;
}

export class UserPageDto extends PageDto {
  @ApiProperty({ type: AdminUserDto, isArray: true })
  items!: AdminUserDto[];
}
