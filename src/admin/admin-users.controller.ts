import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
import { TwoFactorResetService } from 'src/auth/two-factor-reset.service';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { CreateUserDto } from 'src/users/users.dto';
import { UsersService } from 'src/users/users.service';
import { AdminUserDto, ListUsersQueryDto, toAdminUserDto, UserPageDto } from './admin-users.dto';

/** Administrators act on their own account only; other accounts' users answer 404 (A2). */
@ApiTags('admin')
@Authenticated({ roles: ['admin'] })
@Controller('admin/users')
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly reset: TwoFactorResetService,
  ) {}

  @Get()
  @ApiOkResponse({ type: UserPageDto })
  async listUsers(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListUsersQueryDto,
  ): Promise<UserPageDto> {
    const { users, total } = await this.users.list(principal.accountId, query);
    return { items: users.map(toAdminUserDto), total, page: query.page, limit: query.limit };
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({
    type: AdminUserDto,
    description: '409 EMAIL_TAKEN when the email is in use.',
  })
  async createUser(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateUserDto,
  ): Promise<AdminUserDto> {
    return toAdminUserDto(await this.users.create(principal.accountId, body));
  }

  @Get(':id')
  @ApiOkResponse({ type: AdminUserDto })
  async getUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<AdminUserDto> {
    return toAdminUserDto(await this.users.getInAccount(principal.accountId, id));
  }

  @Post(':id/two-factor/reset')
  @Authenticated({ secondFactor: true })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({
    description:
      "Removes the user's methods, pending codes, recovery codes and trusted devices, ends all the user's sessions at " +
      'once and emails them. When 2FA is mandatory they set up a method at their next login. An administrator can ' +
      'reset a factor, never see or set one. 403 SECOND_FACTOR_REQUIRED unless the administrator signed in with a ' +
      "second factor; another account's user is 404.",
  })
  resetTwoFactor(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.reset.resetTwoFactor(principal, id, client);
  }
}
