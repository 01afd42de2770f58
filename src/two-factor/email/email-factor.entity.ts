import { Column, Entity, Index, JoinColumn, OneToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

/**
 * The email second factor. `address` is the one in force; `pendingAddress` waits for its
 * code, so modifying the address never leaves the user without a working one.
 */
@Entity('email_factors')
export class EmailFactor extends UuidEntity {
  @Index('UQ_email_factors_user', { unique: true })
  @Column(UUID_COLUMN)
  userId!: string;

  @OneToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  @Column({ type: 'varchar', length: 254, nullable: true })
  address!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  pendingAddress!: string | null;

  @Column({ type: 'datetime', nullable: true })
  enabledAt!: Date | null;
}
