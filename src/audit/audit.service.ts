import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThanOrEqual, Repository, type FindOptionsWhere } from 'typeorm';
import { Clock } from 'src/common/clock';
import type { ClientInfo } from 'src/common/http/client-info';
import { sqlAffected } from 'src/database/sql';
import { MetricsService } from 'src/metrics/metrics.service';
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
  /** Defaults to the user themself; null for the operator at the shell, who is no user. */
  actorId?: string | null;
  factor?: string;
  detail?: string;
  /** H4: a support action's reason and ticket reference. */
  reason?: string;
  ticket?: string;
  client?: ClientInfo;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  /** Every login and verify writes one, so the statement is hand-written (database/sql.ts). */
  async record(record: AuditRecord): Promise<void> {
    await sqlAffected(
      this.events.manager,
      `INSERT INTO audit_events
        (id, type, accountId, userId, actorId, factor, detail, reason, ticket, ip, userAgent, requestId, createdAt)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        randomUUID(),
        record.type,
        record.user?.accountId ?? null,
        record.user?.id ?? null,
        record.actorId === undefined ? (record.user?.id ?? null) : record.actorId,
        record.factor ?? null,
        record.detail ?? null,
        record.reason ?? null,
        record.ticket ?? null,
        record.client?.ip ?? null,
        record.client?.userAgent ?? null,
        record.client?.requestId ?? null,
        this.clock.now(),
      ],
    );
    this.countInMetrics(record);
  }

  /** The sign-in counters follow the audit trail, so a dashboard and the trail never disagree. */
  private countInMetrics({ type, factor }: AuditRecord): void {
    const { logins, secondFactors, lockouts, recoveryCodesUsed, adminResets } = this.metrics;
    const method = factor ?? 'unknown';
    switch (type) {
      case 'login.succeeded':
        return logins.inc({ result: 'succeeded' });
      case 'login.failed':
        return logins.inc({ result: 'failed' });
      case 'two_factor.succeeded':
        // RecoveryCodesService.method; the audit layer sits below two-factor.
        if (factor === 'recovery') recoveryCodesUsed.inc();
        return secondFactors.inc({ method, result: 'succeeded' });
      case 'two_factor.failed':
        return secondFactors.inc({ method, result: 'failed' });
      case 'two_factor.replay_refused':
        return secondFactors.inc({ method, result: 'replay_refused' });
      case 'two_factor.locked_out':
        return lockouts.inc();
      case 'two_factor.reset':
        return adminResets.inc();
    }
  }

  /**
   * One page of an account's events, newest first, and the total: two queries, both served by
   * IDX_audit_events_account_created. The account always comes from the caller's token.
   */
  async list(accountId: string, query: ListAuditEventsQueryDto): Promise<AuditEventPageDto> {
    const [items, total] = await Promise.all([
      this.page(accountId, query),
      this.count(accountId, query),
    ]);
    return { items, total, page: query.page, limit: query.limit };
  }

  /** The page alone, for a caller that asks for the total apart (the panel's list). */
  async page(accountId: string, query: ListAuditEventsQueryDto): Promise<AuditEventDto[]> {
    const events = await this.events.find({
      where: matching(accountId, query),
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (query.page - 1) * query.limit,
      take: query.limit,
    });
    return events.map(toAuditEventDto);
  }

  /** One event of the account, or null (another account's answers alike). */
  async get(accountId: string, id: string): Promise<AuditEventDto | null> {
    const event = await this.events.findOneBy({ accountId, id });
    return event ? toAuditEventDto(event) : null;
  }

  count(accountId: string, filter: Pick<ListAuditEventsQueryDto, 'userId' | 'type'>) {
    return this.events.count({ where: matching(accountId, filter) });
  }

  /**
   * How many events of each of `types` the account had per UTC day since `since` (days without
   * one are left out), read from IDX_audit_events_account_created.
   */
  async perDay(
    accountId: string,
    types: readonly AuditEventType[],
    since: Date,
  ): Promise<{ day: string; type: AuditEventType; events: number }[]> {
    const events = await this.events.find({
      select: { type: true, createdAt: true },
      where: { accountId, createdAt: MoreThanOrEqual(since), type: In([...types]) },
    });
    const counts = new Map<string, number>();
    for (const event of events) {
      const key = `${event.createdAt.toISOString().slice(0, 10)} ${event.type}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([key, count]) => {
      const [day, type] = key.split(' ');
      return { day, type: type as AuditEventType, events: count };
    });
  }
}

/** Built key by key: TypeORM drops `undefined` conditions silently, so none may slip in. */
function matching(
  accountId: string,
  filter: Pick<ListAuditEventsQueryDto, 'userId' | 'type'>,
): FindOptionsWhere<AuditEvent> {
  const where: FindOptionsWhere<AuditEvent> = { accountId };
  if (filter.userId !== undefined) where.userId = filter.userId;
  if (filter.type !== undefined) where.type = filter.type;
  return where;
}

function toAuditEventDto(event: AuditEvent): AuditEventDto {
  return {
    id: event.id,
    type: event.type,
    userId: event.userId,
    actorId: event.actorId,
    factor: event.factor,
    detail: event.detail,
    reason: event.reason,
    ticket: event.ticket,
    ip: event.ip,
    userAgent: event.userAgent,
    requestId: event.requestId,
    createdAt: event.createdAt.toISOString(),
  };
}
