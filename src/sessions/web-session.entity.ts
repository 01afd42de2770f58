import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row per browser session (express-session) of the admin panel and the pages, so sessions
 * survive a restart and are shared by instances. The table keeps the name it was created with.
 */
@Entity('panel_sessions')
export class WebSession {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** Epoch milliseconds. bigint, read back as a number: mysql2 returns bigint columns as strings. */
  @Index('IDX_panel_sessions_expires')
  @Column({
    type: 'bigint',
    transformer: { to: (value: number) => value, from: (value: string | number) => Number(value) },
  })
  expiresAt!: number;

  /** The session as JSON: who signed in and how far; never a password or a code. */
  @Column({ type: 'text' })
  data!: string;
}
