import { Column, Entity, Index } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

export const AUDIT_EVENT_TYPES = [
  'login.succeeded',
  'login.failed',
  'two_factor.succeeded',
  'two_factor.failed',
  'two_factor.locked_out',
  'two_factor.replay_refused',
  'two_factor.method_enabled',
  'two_factor.method_removed',
  'two_factor.reset',
  'trusted_device.added',
  'trusted_device.removed',
  'policy.changed',
  'user.disabled',
  'user.enabled',
  'password.recheck_failed',
  'support.action',
  'platform_role.granted',
  'platform_role.revoked',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/**
 * L1: who did what to whom, from where. Holds no secret (L2): never a password, code,
 * TOTP secret, recovery code or token — only their kind in `factor`.
 */
@Entity('audit_events')
@Index('IDX_audit_events_account_created', ['accountId', 'createdAt'])
@Index('IDX_audit_events_user_created', ['userId', 'createdAt'])
// The dashboard's lockouts and resets per day, and the list's filter by type.
@Index('IDX_audit_events_account_type_created', ['accountId', 'type', 'createdAt'])
export class AuditEvent extends UuidEntity {
  @Column({ type: 'varchar', length: 40 })
  type!: AuditEventType;

  @Column({ ...UUID_COLUMN, nullable: true })
  accountId!: string | null;

  /** The user the event is about. */
  @Column({ ...UUID_COLUMN, nullable: true })
  userId!: string | null;

  /** Who acted: the user themself, an administrator, or a platform support person. */
  @Column({ ...UUID_COLUMN, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  factor!: string | null;

  /** A non-secret detail: a device's name, a policy's new value. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  detail!: string | null;

  /** H4: why a support person acted, as they wrote it, and their ticket reference. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ticket!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userAgent!: string | null;

  /** The request's id, as its log lines carry it (src/logging). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  /** UTC, set by the application clock. */
  @Column({ type: 'datetime' })
  createdAt!: Date;
}
