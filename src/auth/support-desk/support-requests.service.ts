import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type FindOptionsWhere } from 'typeorm';
import { Clock } from 'src/common/clock';
import { sqlAffected } from 'src/database/sql';
import type { SupportRequestDto, SupportRequestPageDto } from './support.dto';
import {
  SupportRequest,
  type SupportAction,
  type SupportRequestStatus,
} from './support-request.entity';

export interface NewSupportRequest {
  action: SupportAction;
  status: 'pending' | 'done';
  supportUserId: string;
  supportEmail: string;
  targetUserId: string;
  accountId: string;
  reason: string;
  ticket: string;
  expiresAt: Date | null;
}

/** The support_requests table: the platform's trail and the four-eyes queue (H4). */
@Injectable()
export class SupportRequestsService {
  constructor(
    @InjectRepository(SupportRequest) private readonly requests: Repository<SupportRequest>,
    private readonly clock: Clock,
  ) {}

  async create(fields: NewSupportRequest): Promise<SupportRequest> {
    const now = this.clock.now();
    const request = this.requests.create({
      ...fields,
      createdAt: now,
      doneAt: fields.status === 'done' ? now : null,
      decidedBy: null,
      decidedAt: null,
    });
    await this.requests.insert(request);
    return request;
  }

  /**
   * An administrator's decision on a pending request of their account, taken once by one
   * conditional UPDATE: of two decisions at once exactly one changes the row.
   */
  async decide(
    accountId: string,
    id: string,
    adminId: string,
    verdict: 'approved' | 'refused',
  ): Promise<boolean> {
    const now = this.clock.now();
    const decided = await sqlAffected(
      this.requests.manager,
      `UPDATE support_requests SET status = ?, decidedBy = ?, decidedAt = ?
        WHERE id = ? AND accountId = ? AND status = 'pending' AND expiresAt > ?`,
      [verdict, adminId, now, id, accountId, now],
    );
    return decided === 1;
  }

  /** The support person carries out their approved request, once (one conditional UPDATE). */
  async claimApproved(id: string, supportUserId: string): Promise<boolean> {
    const now = this.clock.now();
    const claimed = await sqlAffected(
      this.requests.manager,
      `UPDATE support_requests SET status = 'done', doneAt = ?
        WHERE id = ? AND supportUserId = ? AND status = 'approved' AND expiresAt > ?`,
      [now, id, supportUserId, now],
    );
    return claimed === 1;
  }

  findOne(where: FindOptionsWhere<SupportRequest>): Promise<SupportRequest | null> {
    return this.requests.findOneBy(where);
  }

  /** Newest first; an account's (for its administrators) or every account's (for the platform). */
  async page(
    query: { page: number; limit: number },
    where: { accountId?: string; status?: SupportRequestStatus } = {},
  ): Promise<SupportRequestPageDto> {
    const filter: FindOptionsWhere<SupportRequest> = {};
    if (where.accountId !== undefined) filter.accountId = where.accountId;
    if (where.status !== undefined) filter.status = where.status;
    const [requests, total] = await this.requests.findAndCount({
      where: filter,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (query.page - 1) * query.limit,
      take: query.limit,
    });
    return {
      items: requests.map((request) => this.toDto(request)),
      total,
      page: query.page,
      limit: query.limit,
    };
  }

  toDto(request: SupportRequest): SupportRequestDto {
    const open = request.status === 'pending' || request.status === 'approved';
    const expired = open && !!request.expiresAt && request.expiresAt <= this.clock.now();
    return {
      id: request.id,
      action: request.action,
      status: expired ? 'expired' : request.status,
      supportUserId: request.supportUserId,
      supportEmail: request.supportEmail,
      targetUserId: request.targetUserId,
      accountId: request.accountId,
      reason: request.reason,
      ticket: request.ticket,
      createdAt: request.createdAt,
      expiresAt: request.expiresAt,
      decidedBy: request.decidedBy,
      decidedAt: request.decidedAt,
      doneAt: request.doneAt,
    };
  }
}
