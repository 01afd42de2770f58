import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UUID_COLUMN, UuidEntity } from 'src/database/uuid-entity';

/** Longest credential id kept, base64url; the column's unique index must fit it. */
export const CREDENTIAL_ID_MAX_LENGTH = 255;
/** A passkey's name, in characters; the rename route validates against it. */
export const PASSKEY_NAME_MAX_LENGTH = 64;

/** mysql2 answers bigint columns as strings; a signature counter is a uint32, exact as a number. */
const COUNTER = {
  to: (value: number) => value,
  from: (stored: string | number) => Number(stored),
};

/**
 * A passkey or security key, several per user. The credential id is unique across users, so a
 * credential is bound to one user (W5); on MariaDB/MySQL its column is ascii with a binary
 * collation (base64url is case-sensitive, and a short key keeps the unique index small).
 */
@Entity('passkey_credentials')
export class PasskeyCredential extends UuidEntity {
  @Column(UUID_COLUMN)
  userId!: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  @Index('UQ_passkey_credentials_credential', { unique: true })
  @Column({ type: 'varchar', length: CREDENTIAL_ID_MAX_LENGTH })
  credentialId!: string;

  /** The COSE public key, base64url. */
  @Column({ type: 'text' })
  publicKey!: string;

  /** The last signature counter seen; 0 for authenticators that do not count (W3). */
  @Column({ type: 'bigint', transformer: COUNTER })
  counter!: number;

  /** What the browser reported (`usb`, `internal`, `hybrid`…), given back as hints at sign-in. */
  @Column({ type: 'simple-json' })
  transports!: string[];

  /** The authenticator model; all zeros when it does not say. */
  @Column({ type: 'varchar', length: 36 })
  aaguid!: string;

  @Column({ type: 'boolean' })
  backedUp!: boolean;

  /** `singleDevice` (a security key) or `multiDevice` (synced passkey). */
  @Column({ type: 'varchar', length: 16 })
  deviceType!: string;

  @Column({ type: 'varchar', length: PASSKEY_NAME_MAX_LENGTH })
  name!: string;

  /** UTC, set by the application clock. */
  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  lastUsedAt!: Date | null;
}
