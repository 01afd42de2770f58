import { MigrationInterface, QueryRunner } from 'typeorm';

/** An account's events of some types over a period (the panel's dashboard, the type filter). */
export class AuditByType1795921000000 implements MigrationInterface {
  name = 'AuditByType1795921000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX \`IDX_audit_events_account_type_created\`
        ON \`audit_events\` (\`accountId\`, \`type\`, \`createdAt\`)
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX \`IDX_audit_events_account_type_created\` ON \`audit_events\`
    `);
  }
}
