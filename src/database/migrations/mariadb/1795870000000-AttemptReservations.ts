import { MigrationInterface, QueryRunner } from 'typeorm';

/** Attempts in flight are held apart from the decided ones, so only decided failures count (I5). */
export class AttemptReservations1795870000000 implements MigrationInterface {
  name = 'AttemptReservations1795870000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE \`attempt_counters\`
            ADD \`pending\` int NOT NULL DEFAULT '0',
            ADD \`pendingAt\` datetime NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE \`attempt_counters\` DROP COLUMN \`pendingAt\`, DROP COLUMN \`pending\`
        `);
  }
}
