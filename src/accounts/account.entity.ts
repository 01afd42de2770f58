import { Column, CreateDateColumn, Entity } from 'typeorm';
import { UuidEntity } from 'src/database/uuid-entity';

/** A tenant: every user belongs to exactly one account, and admins act within it only. */
@Entity('accounts')
export class Account extends UuidEntity {
  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;
}
