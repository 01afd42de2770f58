import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditDetail1795827694396 implements MigrationInterface {
  name = 'AuditDetail1795827694396';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE \`audit_events\`
            ADD \`detail\` varchar(100) NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE \`audit_events\` DROP COLUMN \`detail\`
        `);
  }
}
