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
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import { PLATFORM_ROLES, type Principal } from 'src/access/principal';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { PageQueryDto } from 'src/common/http/page-query.dto';
import {
  LookupUserDto,
  StepUpTokenDto,
  SupportActionDto,
  SupportActionResultDto,
  SupportRequestPageDto,
  SupportUserStatusDto,
} from 'src/auth/support-desk/support.dto';
import { SupportDeskService } from 'src/auth/support-desk/support-desk.service';
import { SupportRequestsService } from 'src/auth/support-desk/support-requests.service';
import { ApiErrors } from 'src/common/errors/api-doc.decorator';
import { ErrorCode } from 'src/common/errors/error-code';

const EVERY_ACTION =
  'Needs a session that passed a second factor, `reason` (10+ characters), `ticket` and a `stepUpToken` from ' +
  'the last 5 minutes (403 STEP_UP_REQUIRED otherwise). Counts toward 30 support calls an hour ' +
  '(429 TOO_MANY_REQUESTS beyond). Plain `support` gets 403 FORBIDDEN on an account administrator or platform ' +
  'staff. Where the account requires approval, answers `status: "pending"`: carry it out once approved. The ' +
  'user and the account’s administrators are emailed; the account’s audit trail shows who, why and the ticket.';

/** What every action on a user may answer besides success. */
const ACTION_ERRORS = [
  ErrorCode.FORBIDDEN,
  ErrorCode.SECOND_FACTOR_REQUIRED,
  ErrorCode.STEP_UP_REQUIRED,
  ErrorCode.TOO_MANY_REQUESTS,
  ErrorCode.NOT_FOUND,
];

/** H2, H4: the support desk's API, for platform staff only (403 FORBIDDEN for anyone else). */
@ApiTags('support')
@Authenticated({ platformRoles: [...PLATFORM_ROLES], secondFactor: true })
@Controller('support')
export class SupportController {
  constructor(
    private readonly desk: SupportDeskService,
    private readonly requests: SupportRequestsService,
  ) {}

  @ApiErrors(...ACTION_ERRORS)
  @Post('users/lookup')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Find a user by exact email and see their two-factor status',
    description:
      'Never a full address, a secret, a code or a token. 404 NOT_FOUND for an unknown address. ' +
      'Audited in the user’s account with the reason and ticket; needs a step-up and counts like an action.',
  })
  @ApiOkResponse({ type: SupportUserStatusDto })
  lookupUser(
    @CurrentPrincipal() principal: Principal,
    @Body() body: LookupUserDto,
    @Client() client: ClientInfo,
  ): Promise<SupportUserStatusDto> {
    return this.desk.lookup(principal, body, client);
  }

  @ApiErrors(...ACTION_ERRORS)
  @Post('users/:id/temporary-code')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Issue a temporary access code',
    description:
      'The default remedy: a code shown once, valid an hour, single use, at this user’s second step only ' +
      '(`POST /api/auth/two-factor/temporary-code`); the user then sets up a new method. ' +
      EVERY_ACTION,
  })
  @ApiOkResponse({ type: SupportActionResultDto })
  issueTemporaryCode(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SupportActionDto,
    @Client() client: ClientInfo,
  ): Promise<SupportActionResultDto> {
    return this.desk.act(principal, id, 'temporary_code', body, client);
  }

  @ApiErrors(...ACTION_ERRORS)
  @Post('users/:id/two-factor/reset')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Reset the user’s two-factor authentication',
    description: 'The same reset as an account administrator’s. ' + EVERY_ACTION,
  })
  @ApiOkResponse({ type: SupportActionResultDto })
  resetUserTwoFactor(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SupportActionDto,
    @Client() client: ClientInfo,
  ): Promise<SupportActionResultDto> {
    return this.desk.act(principal, id, 'reset', body, client);
  }

  @ApiErrors(...ACTION_ERRORS)
  @Post('users/:id/sessions/end')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'End every session and remembered device of the user',
    description: EVERY_ACTION,
  })
  @ApiOkResponse({ type: SupportActionResultDto })
  endUserSessions(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SupportActionDto,
    @Client() client: ClientInfo,
  ): Promise<SupportActionResultDto> {
    return this.desk.act(principal, id, 'end_sessions', body, client);
  }

  @ApiErrors(
    ErrorCode.FORBIDDEN,
    ErrorCode.SECOND_FACTOR_REQUIRED,
    ErrorCode.STEP_UP_REQUIRED,
    ErrorCode.TOO_MANY_REQUESTS,
    ErrorCode.NOT_FOUND,
    ErrorCode.SUPPORT_REQUEST_CLOSED,
  )
  @Post('requests/:id/carry-out')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Carry out one of your requests an administrator approved',
    description:
      'Once, by the support person who asked, within 24 hours of asking: 409 SUPPORT_REQUEST_CLOSED when it is ' +
      'pending, refused, expired or done. Needs a step-up and counts like an action.',
  })
  @ApiOkResponse({ type: SupportActionResultDto })
  carryOutSupportRequest(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: StepUpTokenDto,
    @Client() client: ClientInfo,
  ): Promise<SupportActionResultDto> {
    return this.desk.carryOut(principal, id, body.stepUpToken, client);
  }

  @ApiErrors(ErrorCode.FORBIDDEN, ErrorCode.SECOND_FACTOR_REQUIRED)
  @Get('requests')
  @ApiOperation({
    summary: 'The platform’s trail of support actions, every account',
    description: 'Newest first: who asked, about whom, why, under which ticket, and the outcome.',
  })
  @ApiOkResponse({ type: SupportRequestPageDto })
  listSupportRequests(@Query() query: PageQueryDto): Promise<SupportRequestPageDto> {
    return this.requests.page(query);
  }
}
