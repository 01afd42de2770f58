import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each audit event names the request it came from, as that request's log lines do. */
export class AuditRequestId1795950000000 implements MigrationInterface {
  name = 'AuditRequestId1795950000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`audit_events\` ADD \`requestId\` varchar(64) NULL
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`audit_events\` DROP COLUMN \`requestId\`
    `);
  }
}
