import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

/** How a session passed the second factor, if it had to. */
export const SESSION_ORIGINS = ['password', 'second_factor', 'trusted_device'] as const;
export type SessionOrigin = (typeof SESSION_ORIGINS)[number];

/**
 * One row per issued refresh token. Tokens of one login form a family (the session); using a
 * token marks it used, and presenting a used token again revokes the whole family.
 */
@Entity('refresh_tokens')
export class RefreshToken extends UuidEntity {
  @Index('IDX_refresh_tokens_user')
  @Column(UUID_COLUMN)
  userId!: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  @Index('IDX_refresh_tokens_family')
  @Column(UUID_COLUMN)
  familyId!: string;

  /** HMAC of the token; the token itself is never stored. */
  @Index('UQ_refresh_tokens_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: 'int' })
  sessionVersion!: number;

  /** Carried into every access token of the family; a trusted-device session ends with its device. */
  @Column({ type: 'varchar', length: 16 })
  origin!: SessionOrigin;

  /** The trusted device the session was started on or registered, if any. */
  @Index('IDX_refresh_tokens_device')
  @Column({ ...UUID_COLUMN, nullable: true })
  deviceId!: string | null;

  /** The family's absolute end (S6): set at its first login, copied, never moved, by refreshes. */
  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  usedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;
}
