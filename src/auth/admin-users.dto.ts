import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageDto, PageQueryDto } from 'src/common/http/page-query.dto';
import { IsText } from 'src/common/http/validation';
import {
  methodsOf,
  TWO_FACTOR_METHODS,
  type TwoFactorMethod,
} from 'src/two-factor/factor-registry';
import type { User } from 'src/users/user.entity';
import { UserDto } from 'src/users/users.dto';

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Matches the start of the email or of the name, case-insensitively.',
  })
  @IsOptional()
  @IsText(0, 254)
  search?: string;

  @ApiPropertyOptional({
    enum: ['enabled', 'disabled'],
    description: 'Only users who have (or lack) at least one second factor.',
  })
  @IsOptional()
  @IsIn(['enabled', 'disabled'])
  twoFactor?: 'enabled' | 'disabled';
}

export class TwoFactorSummaryDto {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ enum: TWO_FACTOR_METHODS, isArray: true })
  methods!: TwoFactorMethod[];
}

export class AdminUserDto extends UserDto {
  @ApiProperty({ description: 'False while the user is disabled (`disabledAt` is set).' })
  active!: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When an administrator disabled the user; null while they may sign in.',
  })
  disabledAt!: Date | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the user last started a full session (any way in); null if never.',
  })
  lastSignInAt!: Date | null;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty({ type: TwoFactorSummaryDto })
  twoFactor!: TwoFactorSummaryDto;
}

export class UserPageDto extends PageDto {
  @ApiProperty({ type: AdminUserDto, isArray: true })
  items!: AdminUserDto[];
}

/** The 2FA column: which methods are in force, never anything about them. */
export function toAdminUserDto(user: User): AdminUserDto {
  const methods = methodsOf(user);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    active: user.disabledAt === null,
    disabledAt: user.disabledAt,
    lastSignInAt: user.lastSignInAt,
    createdAt: user.createdAt,
    twoFactor: { enabled: methods.length > 0, methods },
  };
}
