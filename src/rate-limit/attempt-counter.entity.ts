import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UUID_COLUMN } from 'src/database/uuid-entity';

export const COUNTER_SCOPES = [
  'second_factor',
  'password_recheck',
  'setup_mail',
  'setup_address',
  'support_action',
] as const;
export type CounterScope = (typeof COUNTER_SCOPES)[number];

/**
 * Per-subject counters (B2, P6, E7, H2): one row per scope and user. `attempts` counts decided
 * attempts in the chained window; `pending` counts those reserved and not yet decided.
 */
@Entity('attempt_counters')
export class AttemptCounter {
  @PrimaryColumn({ type: 'varchar', length: 24 })
  scope!: CounterScope;

  @PrimaryColumn(UUID_COLUMN)
  subjectId!: string;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'datetime', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  pending!: number;

  /** The last reservation; older ones than a minute no longer hold a place (a crashed check). */
  @Column({ type: 'datetime', nullable: true })
  pendingAt!: Date | null;
}
