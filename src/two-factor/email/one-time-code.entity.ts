import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

export type CodePurpose = 'email_setup' | 'login';

/**
 * A 6-digit code sent by email, stored only as an HMAC (E1). One live code per user and
 * purpose (unique index): issuing a new one replaces the old (E4).
 */
@Entity('one_time_codes')
@Index('UQ_one_time_codes_user_purpose', ['userId', 'purpose'], { unique: true })
export class OneTimeCode extends UuidEntity {
  @Column(UUID_COLUMN)
  userId!: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  @Column({ type: 'varchar', length: 16 })
  purpose!: CodePurpose;

  /** Login codes belong to one challenge; setup codes to none. */
  @Column({ ...UUID_COLUMN, nullable: true })
  challengeId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  /** For the resend cooldown (E5). */
  @Column({ type: 'datetime' })
  sentAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  consumedAt!: Date | null;

  /** Wrong guesses against this code; five kill it. */
  @Column({ type: 'int', default: 0 })
  failedAttempts!: number;
}
