import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';
import { User } from 'src/users/user.entity';
import type { TwoFactorMethod } from './two-factor-method';

/** The state behind a challenge token: between a correct password and a correct second factor. */
@Entity('login_challenges')
export class LoginChallenge extends UuidEntity {
  @Index('IDX_login_challenges_user')
  @Column(UUID_COLUMN)
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;

  @Column({ type: 'varchar', length: 8 })
  method!: TwoFactorMethod;

  /** B1: five wrong codes and the challenge is dead. */
  @Column({ type: 'int', default: 0 })
  failedAttempts!: number;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  completedAt!: Date | null;
}
