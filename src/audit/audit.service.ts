import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from 'src/common/clock';
import type { ClientInfo } from 'src/common/http/client-info';
import { AuditEvent, type AuditEventType } from './audit-event.entity';

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
  client?: ClientInfo;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly clock: Clock,
  ) {}

  async record(record: AuditRecord): Promise<void> {
    await this.events.insert(
      this.events.create({
        type: record.type,
        accountId: record.user?.accountId ?? null,
        userId: record.user?.id ?? null,
        actorId: record.actorId ?? record.user?.id ?? null,
        factor: record.factor ?? null,
        ip: record.client?.ip ?? null,
        userAgent: record.client?.userAgent ?? null,
        createdAt: this.clock.now(),
      }),
    );
  }
}
