import { randomUUID } from 'node:crypto';
import { PrimaryColumn } from 'typeorm';

/** Ids are made in code and stored as varchar(36), so one schema fits MySQL 8, MariaDB and SQLite alike. */
export abstract class UuidEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string = randomUUID();
}

/** Column type for a reference to a UuidEntity. */
export const UUID_COLUMN = { type: 'varchar', length: 36 } as const;

// Relations to another module's entity name it ('User') instead of importing it, so modules
// never import each other's entities; such a property only declares the foreign key.
