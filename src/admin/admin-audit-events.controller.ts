import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
import { AuditEventPageDto, ListAuditEventsQueryDto } from 'src/audit/audit.dto';
import { AuditService } from 'src/audit/audit.service';
import { ApiDoc } from 'src/common/errors/api-doc.decorator';
import { ErrorCode } from 'src/common/errors/error-code';

/** Administrators read their own account's trail only: the account comes from the token (A2, L1). */
@ApiTags('admin')
@Authenticated({ roles: ['admin'] })
@Controller('admin/audit-events')
export class AdminAuditEventsController {
  constructor(private readonly audit: AuditService) {}

  @ApiDoc("Read the account's audit trail", ErrorCode.FORBIDDEN)
  @Get()
  @ApiOperation({
    summary: "The caller's account's audit trail",
    description: [
      "Events of the caller's own account only, newest first (`createdAt` descending, then `id`),",
      'paginated. `userId` and `type` narrow the list; a `userId` of another account yields no',
      'items. Events never carry a secret, only the kind of factor involved.',
      'A member gets 403 `FORBIDDEN`; unknown query fields answer 400 `VALIDATION_FAILED`.',
    ].join(' '),
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  listAuditEvents(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListAuditEventsQueryDto,
  ): Promise<AuditEventPageDto> {
    return this.audit.list(principal.accountId, query);
  }
}
