import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

/** "Don't ask me again on this device": a 256-bit token stored as an HMAC, bound to one user (D1). */
@Entity('trusted_devices')
export class TrustedDevice extends UuidEntity {
  @Index('IDX_trusted_devices_user')
  @Column(UUID_COLUMN)
  userId!: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  @Index('UQ_trusted_devices_token', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  lastUsedAt!: Date;

  /** Exactly 30 days after registration; never extended. */
  @Column({ type: 'datetime' })
  expiresAt!: Date;
}
