import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  UpdateDateColumn,
} from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';
import { Account } from 'src/accounts/account.entity';

export const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

@Entity('users')
@Index('IDX_users_account_created', ['accountId', 'createdAt'])
export class User extends UuidEntity {
  @Column(UUID_COLUMN)
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'accountId' })
  account?: Account;

  /** Stored trimmed and lower-cased, so uniqueness is case-insensitive on every database. */
  @Index('UQ_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Bumped to end every session at once; access and refresh tokens carry the value they were minted with. */
  @Column({ type: 'int', default: 1 })
  sessionVersion!: number;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'datetime' })
  updatedAt!: Date;
}
