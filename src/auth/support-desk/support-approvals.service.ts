import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import type { PageQueryDto } from 'src/common/http/page-query.dto';
import { UsersService } from 'src/users/users.service';
import type { SupportRequestDto, SupportRequestPageDto } from './support.dto';
import { SupportActionsService } from './support-actions.service';
import { supportRequestClosed } from './support-desk.service';
import { SupportRequestsService } from './support-requests.service';

/**
 * H4, four eyes: an account's administrators see the support requests about their account's
 * users, and approve or refuse the pending ones; never another account's (404).
 */
@Injectable()
export class SupportApprovalsService {
  constructor(
    private readonly requests: SupportRequestsService,
    private readonly actions: SupportActionsService,
    private readonly users: UsersService,
  ) {}

  list(admin: Principal, query: PageQueryDto): Promise<SupportRequestPageDto> {
    return this.requests.page(query, { accountId: admin.accountId });
  }

  /** Decided once: of two administrators deciding at once, one wins and the other gets 409. */
  async decide(
    admin: Principal,
    id: string,
    verdict: 'approved' | 'refused',
    client: ClientInfo,
  ): Promise<SupportRequestDto> {
    const request = await this.requests.findOne({ id, accountId: admin.accountId });
    if (!request) throw new AppException(ErrorCode.NOT_FOUND, 'No such support request');
    if (!(await this.requests.decide(admin.accountId, id, admin.userId, verdict))) {
      throw supportRequestClosed();
    }
    await this.actions.record(request, verdict, admin.userId, client);
    const target = await this.users.findById(request.targetUserId);
    if (target) await this.actions.notify(request, target, verdict);
    return this.requests.toDto((await this.requests.findOne({ id }))!);
  }
}
