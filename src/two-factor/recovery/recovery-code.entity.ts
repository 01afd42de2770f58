import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

/** R1: one of ten single-use codes, stored as an HMAC; regenerating deletes the old set. */
@Entity('recovery_codes')
@Index('UQ_recovery_codes_user_hash', ['userId', 'codeHash'], { unique: true })
export class RecoveryCode extends UuidEntity {
  @Column(UUID_COLUMN)
  userId!: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  @Column({ type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ type: 'datetime', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;
}
