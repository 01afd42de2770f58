import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

/**
 * H3: a code a support person read to a locked-out user, stored as an HMAC. One per user (a new
 * one replaces it); it passes that user's second step once, within the hour.
 */
@Entity('temporary_access_codes')
export class TemporaryAccessCode extends UuidEntity {
  @Index('UQ_temporary_access_codes_user', { unique: true })
  @Column(UUID_COLUMN)
  userId!: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  @Column({ type: 'varchar', length: 64 })
  codeHash!: string;

  /** The support person who issued it. */
  @Column(UUID_COLUMN)
  issuedBy!: string;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;
}
