import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';
import { User } from 'src/users/user.entity';

/**
 * One row per issued refresh token. Tokens of one login form a family; using a
 * token marks it used, and presenting a used token again revokes the whole family.
 */
@Entity('refresh_tokens')
export class RefreshToken extends UuidEntity {
  @Index('IDX_refresh_tokens_user')
  @Column(UUID_COLUMN)
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;

  @Index('IDX_refresh_tokens_family')
  @Column(UUID_COLUMN)
  familyId!: string;

  /** HMAC of the token; the token itself is never stored. */
  @Index('UQ_refresh_tokens_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: 'int' })
  sessionVersion!: number;

  /** Carried into every access token of the family: whether the login passed a second factor. */
  @Column({ type: 'boolean', default: false })
  secondFactor!: boolean;

  @Column({ ...UUID_COLUMN, nullable: true })
  deviceId!: string | null;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  usedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;
}
