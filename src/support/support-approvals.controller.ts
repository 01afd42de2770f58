import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { PageQueryDto } from 'src/common/http/page-query.dto';
import { SupportRequestDto, SupportRequestPageDto } from 'src/auth/support-desk/support.dto';
import { SupportApprovalsService } from 'src/auth/support-desk/support-approvals.service';

const DECISION =
  'A pending request of the caller’s account, within 24 hours of being asked: decided once ' +
  '(409 SUPPORT_REQUEST_CLOSED when already decided or expired; another account’s is 404). Needs an ' +
  'administrator who passed a second factor. The user and the administrators are emailed.';

/** H4, four eyes: an account's administrators decide platform support's requests. */
@ApiTags('admin')
@Authenticated({ roles: ['admin'] })
@Controller('admin/support-requests')
export class SupportApprovalsController {
  constructor(private readonly approvals: SupportApprovalsService) {}

  @Get()
  @ApiOperation({
    summary: 'Platform support’s requests and actions about this account’s users',
    description: 'Newest first, the caller’s account only.',
  })
  @ApiOkResponse({ type: SupportRequestPageDto })
  listAccountSupportRequests(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PageQueryDto,
  ): Promise<SupportRequestPageDto> {
    return this.approvals.list(principal, query);
  }

  @Post(':id/approve')
  @Authenticated({ secondFactor: true })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Approve a support request', description: DECISION })
  @ApiOkResponse({ type: SupportRequestDto })
  approveSupportRequest(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Client() client: ClientInfo,
  ): Promise<SupportRequestDto> {
    return this.approvals.decide(principal, id, 'approved', client);
  }

  @Post(':id/refuse')
  @Authenticated({ secondFactor: true })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Refuse a support request', description: DECISION })
  @ApiOkResponse({ type: SupportRequestDto })
  refuseSupportRequest(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Client() client: ClientInfo,
  ): Promise<SupportRequestDto> {
    return this.approvals.decide(principal, id, 'refused', client);
  }
}
