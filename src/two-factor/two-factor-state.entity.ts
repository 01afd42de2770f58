import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { UUID_COLUMN } from 'src/database/uuid-entity';
import { User } from 'src/users/user.entity';
import type { TwoFactorMethod } from './two-factor-method';

/** Per-user second-factor state shared by every method: the last method used and the lockout (B2). */
@Entity('two_factor_states')
export class TwoFactorState {
  @PrimaryColumn(UUID_COLUMN)
  userId!: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;

  @Column({ type: 'varchar', length: 8, nullable: true })
  lastUsedMethod!: TwoFactorMethod | null;

  /** Failures in the current window; reset by a success or when the window has passed. */
  @Column({ type: 'int', default: 0 })
  failureCount!: number;

  @Column({ type: 'datetime', nullable: true })
  lastFailureAt!: Date | null;
}
