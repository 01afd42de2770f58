import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { UUID_COLUMN } from 'src/database/uuid-entity';

/** One row per account once an administrator has set its policy; no row means the defaults. */
@Entity('account_policies')
export class AccountPolicy {
  @PrimaryColumn(UUID_COLUMN)
  accountId!: string;

  @OneToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'accountId' })
  account?: never;

  @Column({ type: 'boolean', default: false })
  twoFactorRequired!: boolean;

  /** Whether a passkey alone may sign in (W4); on by default. */
  @Column({ type: 'boolean', default: true })
  passwordlessSignIn!: boolean;

  /** H4: platform support's actions wait for one of the account's administrators ("four eyes"). */
  @Column({ type: 'boolean', default: false })
  supportApprovalRequired!: boolean;

  @Column({ ...UUID_COLUMN, nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ type: 'datetime' })
  updatedAt!: Date;
}
