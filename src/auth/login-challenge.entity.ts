import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';
import { METHOD_NAME_MAX } from 'src/two-factor/second-factor';

/**
 * A pending sign-in, between a correct password and a session: a challenge token stands for
 * one (`method`: the factor asked for), and so does a setup token (`method` null, or
 * `temporary` when a temporary access code opened it), so that either mints one session at most.
 */
@Entity('login_challenges')
export class LoginChallenge extends UuidEntity {
  @Index('IDX_login_challenges_user')
  @Column(UUID_COLUMN)
  userId!: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  @Column({ type: 'varchar', length: METHOD_NAME_MAX, nullable: true })
  method!: string | null;

  /** B1: each code takes an attempt before it is checked; a success gives its attempt back. */
  @Column({ type: 'int', default: 0 })
  failedAttempts!: number;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  completedAt!: Date | null;
}
