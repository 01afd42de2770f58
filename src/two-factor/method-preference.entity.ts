import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { UUID_COLUMN } from 'src/database/uuid-entity';
import { METHOD_NAME_MAX } from './second-factor';

/** The method a user last passed a challenge with: login asks for it first. */
@Entity('two_factor_preferences')
export class MethodPreference {
  @PrimaryColumn(UUID_COLUMN)
  userId!: string;

  @OneToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: never;

  @Column({ type: 'varchar', length: METHOD_NAME_MAX, nullable: true })
  lastUsedMethod!: string | null;
}
