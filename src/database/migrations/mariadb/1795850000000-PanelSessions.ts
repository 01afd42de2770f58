import { MigrationInterface, QueryRunner } from 'typeorm';

export class PanelSessions1795850000000 implements MigrationInterface {
  name = 'PanelSessions1795850000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE \`panel_sessions\` (
                \`id\` varchar(64) NOT NULL,
                \`expiresAt\` bigint NOT NULL,
                \`data\` text NOT NULL,
                INDEX \`IDX_panel_sessions_expires\` (\`expiresAt\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX \`IDX_panel_sessions_expires\` ON \`panel_sessions\`
        `);
    await queryRunner.query(`
            DROP TABLE \`panel_sessions\`
        `);
  }
}
