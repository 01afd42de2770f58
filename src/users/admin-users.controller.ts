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
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from 'src/auth/auth.decorators';
import type { Principal } from 'src/auth/principal';
import { AdminUserDto, CreateUserDto, ListUsersQueryDto, UserPageDto } from './users.dto';
import { UsersService } from './users.service';

/** Administrators act on their own account only; other accounts' users answer 404 (A2). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: UserPageDto })
  listUsers(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListUsersQueryDto,
  ): Promise<UserPageDto> {
    return this.users.list(principal.accountId, query);
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({
    type: AdminUserDto,
    description: '409 EMAIL_TAKEN when the email is in use.',
  })
  createUser(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateUserDto,
  ): Promise<AdminUserDto> {
    return this.users.createInAccount(principal.accountId, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: AdminUserDto })
  getUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<AdminUserDto> {
    return this.users.getAdminView(principal.accountId, id);
  }
}
