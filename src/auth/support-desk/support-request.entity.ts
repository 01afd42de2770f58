import { Column, Entity, Index } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

export const SUPPORT_ACTIONS = ['lookup', 'temporary_code', 'reset', 'end_sessions'] as const;
export type SupportAction = (typeof SUPPORT_ACTIONS)[number];

/**
 * `pending` waits for an account administrator (four eyes), who makes it `approved` or
 * `refused`; `done` once carried out. A pending or approved request ends at `expiresAt`.
 */
export const SUPPORT_REQUEST_STATUSES = ['pending', 'approved', 'refused', 'done'] as const;
export type SupportRequestStatus = (typeof SUPPORT_REQUEST_STATUSES)[number];

/**
 * H4: every support action, asked or done, with who asked, about whom, why and under which
 * ticket: the platform's own trail, and what an account's administrators decide under four eyes.
 * No foreign keys: the trail outlives the users it names.
 */
@Entity('support_requests')
@Index('IDX_support_requests_created', ['createdAt'])
@Index('IDX_support_requests_account_status', ['accountId', 'status', 'createdAt'])
export class SupportRequest extends UuidEntity {
  @Column({ type: 'varchar', length: 16 })
  action!: SupportAction;

  @Column({ type: 'varchar', length: 16 })
  status!: SupportRequestStatus;

  /** The support person who asked. */
  @Column(UUID_COLUMN)
  supportUserId!: string;

  /** Their sign-in address when they asked, so the trail reads without another lookup. */
  @Column({ type: 'varchar', length: 254 })
  supportEmail!: string;

  @Column(UUID_COLUMN)
  targetUserId!: string;

  @Column(UUID_COLUMN)
  accountId!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'varchar', length: 64 })
  ticket!: string;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  /** Until when a pending or approved request may still be approved or carried out. */
  @Column({ type: 'datetime', nullable: true })
  expiresAt!: Date | null;

  /** The administrator who approved or refused it. */
  @Column({ ...UUID_COLUMN, nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'datetime', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  doneAt!: Date | null;
}
