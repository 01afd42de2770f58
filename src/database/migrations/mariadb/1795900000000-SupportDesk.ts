import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The support desk (issue 17): platform roles on users, temporary access codes, the support
 * requests (the platform's trail and the four-eyes queue), the account's approval switch, and
 * the reason and ticket of support actions in the audit trail.
 */
export class SupportDesk1795900000000 implements MigrationInterface {
  name = 'SupportDesk1795900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`temporary_access_codes\` (\`id\` varchar(36) NOT NULL, \`userId\` varchar(36) NOT NULL, \`codeHash\` varchar(64) NOT NULL, \`issuedBy\` varchar(36) NOT NULL, \`expiresAt\` datetime NOT NULL, \`usedAt\` datetime NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX \`UQ_temporary_access_codes_user\` (\`userId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`support_requests\` (\`id\` varchar(36) NOT NULL, \`action\` varchar(16) NOT NULL, \`status\` varchar(16) NOT NULL, \`supportUserId\` varchar(36) NOT NULL, \`supportEmail\` varchar(254) NOT NULL, \`targetUserId\` varchar(36) NOT NULL, \`accountId\` varchar(36) NOT NULL, \`reason\` varchar(500) NOT NULL, \`ticket\` varchar(64) NOT NULL, \`createdAt\` datetime NOT NULL, \`expiresAt\` datetime NULL, \`decidedBy\` varchar(36) NULL, \`decidedAt\` datetime NULL, \`doneAt\` datetime NULL, INDEX \`IDX_support_requests_account_status\` (\`accountId\`, \`status\`, \`createdAt\`), INDEX \`IDX_support_requests_created\` (\`createdAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(`ALTER TABLE \`users\` ADD \`platformRole\` varchar(24) NULL`);
    await queryRunner.query(
      `ALTER TABLE \`account_policies\` ADD \`supportApprovalRequired\` tinyint NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(`ALTER TABLE \`audit_events\` ADD \`reason\` varchar(500) NULL`);
    await queryRunner.query(`ALTER TABLE \`audit_events\` ADD \`ticket\` varchar(64) NULL`);
    await queryRunner.query(
      `ALTER TABLE \`temporary_access_codes\` ADD CONSTRAINT \`FK_c1353682d27ab90b981a5eb1dc0\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`temporary_access_codes\` DROP FOREIGN KEY \`FK_c1353682d27ab90b981a5eb1dc0\``,
    );
    await queryRunner.query(`ALTER TABLE \`audit_events\` DROP COLUMN \`ticket\``);
    await queryRunner.query(`ALTER TABLE \`audit_events\` DROP COLUMN \`reason\``);
    await queryRunner.query(
      `ALTER TABLE \`account_policies\` DROP COLUMN \`supportApprovalRequired\``,
    );
    await queryRunner.query(`ALTER TABLE \`users\` DROP COLUMN \`platformRole\``);
    await queryRunner.query(`DROP INDEX \`IDX_support_requests_created\` ON \`support_requests\``);
    await queryRunner.query(
      `DROP INDEX \`IDX_support_requests_account_status\` ON \`support_requests\``,
    );
    await queryRunner.query(`DROP TABLE \`support_requests\``);
    await queryRunner.query(
      `DROP INDEX \`UQ_temporary_access_codes_user\` ON \`temporary_access_codes\``,
    );
    await queryRunner.query(`DROP TABLE \`temporary_access_codes\``);
  }
}
