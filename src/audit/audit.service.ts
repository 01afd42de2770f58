import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type FindOptionsWhere } from 'typeorm';
import { Clock } from 'src/common/clock';
import type { ClientInfo } from 'src/common/http/client-info';
import { sqlAffected } from 'src/database/sql';
import { AuditEvent, type AuditEventType } from './audit-event.entity';
import type { AuditEventDto, AuditEventPageDto, ListAuditEventsQueryDto } from './audit.dto';

export interface AuditSubject {
  id: string;
  accountId: string;
}

export interface AuditRecord {
  type: AuditEventType;
  /** The user the event is about; null when unknown (e.g. a login with an unknown email). */
  user: AuditSubject | null;
  /** Defaults to the user themself. */
  actorId?: string;
  factor?: string;
  detail?: string;
  client?: ClientInfo;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly clock: Clock,
  ) {}

  /** Every login and verify writes one, so the statement is hand-written (database/sql.ts). */
  async record(record: AuditRecord): Promise<void> {
    await sqlAffected(
      this.events.manager,
      `INSERT INTO audit_events
        (id, type, accountId, userId, actorId, factor, detail, ip, userAgent, createdAt)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        randomUUID(),
        record.type,
        record.user?.accountId ?? null,
        record.user?.id ?? null,
        record.actorId ?? record.user?.id ?? null,
        record.factor ?? null,
        record.detail ?? null,
        record.client?.ip ?? null,
        record.client?.userAgent ?? null,
        this.clock.now(),
      ],
    );
  }

  /**
   * One page of an account's events, newest first, and the total: two queries, both served by
   * IDX_audit_events_account_created. The account always comes from the caller's token.
   */
  async list(accountId: string, query: ListAuditEventsQueryDto): Promise<AuditEventPageDto> {
    // Built key by key: TypeORM drops `undefined` conditions silently, so none may slip in.
    const where: FindOptionsWhere<AuditEvent> = { accountId };
    if (query.userId !== undefined) where.userId = query.userId;
    if (query.type !== undefined) where.type = query.type;
    const [events, total] = await this.events.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (query.page - 1) * query.limit,
      take: query.limit,
    });
    return { items: events.map(toAuditEventDto), total, page: query.page, limit: query.limit };
  }
}

function toAuditEventDto(event: AuditEvent): AuditEventDto {
  return {
    id: event.id,
    type: event.type,
    userId: event.userId,
    actorId: event.actorId,
    factor: event.factor,
    detail: event.detail,
    ip: event.ip,
    userAgent: event.userAgent,
    createdAt: event.createdAt.toISOString(),
  };
}
