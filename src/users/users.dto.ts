import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmailAddress, IsText, trimString } from 'src/common/http/validation';
import { IsIn, IsString, Length } from 'class-validator';
import { ROLES, type Principal, type Role } from 'src/access/principal';
import type { User } from './user.entity';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @Transform(trimString)
  @IsEmailAddress()
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 120 })
  @Transform(trimString)
  @IsText(1, 120)
  name!: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password' })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
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

export function toMeDto(user: User): MeDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    account: { id: user.account!.id, name: user.account!.name },
  };
}

/** The caller's profile from the guard's read of this request (S4), without another query. */
export function toProfileDto(principal: Principal): MeDto {
  return {
    id: principal.userId,
    email: principal.email,
    name: principal.name,
    role: principal.role,
    account: { id: principal.accountId, name: principal.accountName },
  };
}
