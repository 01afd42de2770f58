import { Column, Entity, Index, JoinColumn, OneToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

/**
 * The authenticator-app factor, one per user (unique index). Secrets are AES-256-GCM
 * ciphertexts that name their key (T7). A new secret waits in `pendingSecret` until a code
 * confirms it; the old one keeps working until then (T6).
 */
@Entity('totp_factors')
export class TotpFactor extends UuidEntity {
  @Index('UQ_totp_factors_user', { unique: true })
  @Column(UUID_COLUMN)
  userId!: string;

  @OneToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  @Column({ type: 'varchar', length: 255, nullable: true })
  secret!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  pendingSecret!: string | null;

  @Column({ type: 'datetime', nullable: true })
  configuredAt!: Date | null;

  /** The last accepted 30-second step; any step at or below it is a replay (T5). */
  @Column({ type: 'int', nullable: true })
  lastUsedStep!: number | null;
}
