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
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
import { TwoFactorResetService } from 'src/auth/two-factor-reset.service';
import { UserStatusService } from 'src/auth/user-status.service';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { CreateUserDto } from 'src/users/users.dto';
import { UsersService } from 'src/users/users.service';
import {
  AdminUserDto,
  ListUsersQueryDto,
  toAdminUserDto,
  UserPageDto,
} from 'src/auth/admin-users.dto';
import { ApiDoc, ApiErrors } from 'src/common/errors/api-doc.decorator';
import { ErrorCode } from 'src/common/errors/error-code';

/** Administrators act on their own account only; other accounts' users answer 404 (A2). */
@ApiTags('admin')
@Authenticated({ roles: ['admin'] })
@Controller('admin/users')
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly reset: TwoFactorResetService,
    private readonly status: UserStatusService,
  ) {}

  @ApiDoc("List the account's users with their 2FA", ErrorCode.FORBIDDEN)
  @Get()
  @ApiOkResponse({ type: UserPageDto })
  async listUsers(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListUsersQueryDto,
  ): Promise<UserPageDto> {
    const { users, total } = await this.users.list(principal.accountId, query);
    return { items: users.map(toAdminUserDto), total, page: query.page, limit: query.limit };
  }

  @ApiDoc('Create a user in the account', ErrorCode.FORBIDDEN, ErrorCode.EMAIL_TAKEN)
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

  @ApiDoc('Read one user of the account', ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND)
  @Get(':id')
  @ApiOkResponse({ type: AdminUserDto })
  async getUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<AdminUserDto> {
    return toAdminUserDto(await this.users.getInAccount(principal.accountId, id));
  }

  @Post(':id/disable')
  @Authenticated({ secondFactor: true })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Disable a user',
    description:
      "Ends all the user's sessions at once; from then on every way in (password, refresh, passkey, the panel) " +
      'refuses them with the answer a wrong password gets (401 INVALID_CREDENTIALS, or INVALID_REFRESH_TOKEN at ' +
      'refresh). Their methods and data stay. Audited as `user.disabled`; disabling a disabled user changes ' +
      'nothing. 403 FORBIDDEN for the caller themself, 403 SECOND_FACTOR_REQUIRED unless the administrator ' +
      "signed in with a second factor; another account's user is 404.",
  })
  @ApiErrors(ErrorCode.FORBIDDEN, ErrorCode.SECOND_FACTOR_REQUIRED, ErrorCode.NOT_FOUND)
  @ApiOkResponse({ type: AdminUserDto })
  async disableUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Client() client: ClientInfo,
  ): Promise<AdminUserDto> {
    return toAdminUserDto(await this.status.disable(principal, id, client));
  }

  @Post(':id/enable')
  @Authenticated({ secondFactor: true })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Enable a disabled user again',
    description:
      'The user may sign in again; the sessions that disabling ended stay ended. Audited as `user.enabled`; ' +
      "enabling an enabled user changes nothing. Another account's user is 404.",
  })
  @ApiErrors(ErrorCode.FORBIDDEN, ErrorCode.SECOND_FACTOR_REQUIRED, ErrorCode.NOT_FOUND)
  @ApiOkResponse({ type: AdminUserDto })
  async enableUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Client() client: ClientInfo,
  ): Promise<AdminUserDto> {
    return toAdminUserDto(await this.status.enable(principal, id, client));
  }

  @ApiDoc(
    "Reset a user's two-factor authentication",
    ErrorCode.FORBIDDEN,
    ErrorCode.SECOND_FACTOR_REQUIRED,
    ErrorCode.NOT_FOUND,
  )
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
