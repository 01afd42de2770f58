import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  UpdateDateColumn,
} from 'typeorm';
import type { PlatformRole, Role } from 'src/access/principal';
import type { Language } from 'src/common/languages';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

/** Comma-joined in one short column, so the users list filters on an index, joining nothing. */
export const METHOD_LIST = {
  to: (methods: readonly string[] | undefined) => (methods ?? []).join(','),
  // TypeORM also passes back what it just wrote, already a list, after an insert.
  from: (stored: string | string[] | null): string[] =>
    Array.isArray(stored) ? stored : stored ? stored.split(',') : [],
};

@Entity('users')
@Index('IDX_users_account_created', ['accountId', 'createdAt'])
@Index('IDX_users_account_methods_created', ['accountId', 'twoFactorMethods', 'createdAt'])
@Index('IDX_users_account_email', ['accountId', 'email'])
@Index('IDX_users_account_name', ['accountId', 'name'])
export class User extends UuidEntity {
  @Column(UUID_COLUMN)
  accountId!: string;

  /** Named, not imported: modules never import another module's entities. */
  @ManyToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'accountId' })
  account?: { id: string; name: string };

  /**
   * Stored trimmed and lower-cased, so uniqueness is case-insensitive on every database; the
   * MariaDB/MySQL column has a binary collation, so nothing else is folded (P7).
   */
  @Index('UQ_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  /** H1: support staff above accounts; set only by the operator's CLI, never over HTTP. */
  @Column({ type: 'varchar', length: 24, nullable: true })
  platformRole!: PlatformRole | null;

  /**
   * Set while an administrator has disabled the user: every way in refuses them as it refuses a
   * wrong password (P3), and disabling bumps `sessionVersion` in the same statement.
   */
  @Column({ type: 'datetime', nullable: true, default: null })
  disabledAt!: Date | null;

  /** When a full session was last started (any way in), for the administrators' list. */
  @Column({ type: 'datetime', nullable: true, default: null })
  lastSignInAt!: Date | null;

  /** Bumped to end every session at once; access and refresh tokens carry the value they were minted with. */
  @Column({ type: 'int', default: 1 })
  sessionVersion!: number;

  /**
   * The second-factor methods in force, kept by the two-factor module under a lock on this
   * row, so the admin list reads them without joining that module's tables. Room for several
   * methods of up to 16 characters each.
   */
  @Column({ type: 'varchar', length: 128, default: '', transformer: METHOD_LIST })
  twoFactorMethods!: string[];

  /**
   * The language the user's mails are written in: that of their last sign-in (the pages' language,
   * or the API login's Accept-Language); null until one said, and then English.
   */
  @Column({ type: 'varchar', length: 8, nullable: true, default: null })
  locale!: Language | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'datetime' })
  updatedAt!: Date;
}
