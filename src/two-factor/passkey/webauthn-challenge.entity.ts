import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

export type WebAuthnPurpose = 'registration' | 'authentication' | 'passwordless';

/**
 * A challenge handed to the browser, found again by its value in the signed clientDataJSON.
 * It is bound to its purpose and to one user (registration, second factor) and sign-in (second
 * factor), or to nothing yet (passwordless); it expires, and `usedAt` is set once by a
 * conditional UPDATE (W2). The value is ascii with a binary collation on MariaDB/MySQL.
 */
@Entity('webauthn_challenges')
@Index('IDX_webauthn_challenges_expires', ['expiresAt'])
export class WebAuthnChallenge extends UuidEntity {
  /** base64url of 32 random bytes. */
  @Index('UQ_webauthn_challenges_challenge', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  challenge!: string;

  @Column({ type: 'varchar', length: 16 })
  purpose!: WebAuthnPurpose;

  @Column({ ...UUID_COLUMN, nullable: true })
  userId!: string | null;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  /** The login challenge a second-factor assertion belongs to. */
  @Column({ ...UUID_COLUMN, nullable: true })
  signInId!: string | null;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  usedAt!: Date | null;
}
