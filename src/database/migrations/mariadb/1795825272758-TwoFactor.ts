import { MigrationInterface, QueryRunner } from 'typeorm';

export class TwoFactor1795825272758 implements MigrationInterface {
  name = 'TwoFactor1795825272758';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE \`audit_events\` (
                \`id\` varchar(36) NOT NULL,
                \`type\` varchar(40) NOT NULL,
                \`accountId\` varchar(36) NULL,
                \`userId\` varchar(36) NULL,
                \`actorId\` varchar(36) NULL,
                \`factor\` varchar(16) NULL,
                \`ip\` varchar(64) NULL,
                \`userAgent\` varchar(255) NULL,
                \`createdAt\` datetime NOT NULL,
                INDEX \`IDX_audit_events_user_created\` (\`userId\`, \`createdAt\`),
                INDEX \`IDX_audit_events_account_created\` (\`accountId\`, \`createdAt\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            CREATE TABLE \`email_factors\` (
                \`id\` varchar(36) NOT NULL,
                \`userId\` varchar(36) NOT NULL,
                \`address\` varchar(254) NULL,
                \`pendingAddress\` varchar(254) NULL,
                \`enabledAt\` datetime NULL,
                UNIQUE INDEX \`UQ_email_factors_user\` (\`userId\`),
                UNIQUE INDEX \`REL_4e363774116e8e251b6c69563e\` (\`userId\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            CREATE TABLE \`login_challenges\` (
                \`id\` varchar(36) NOT NULL,
                \`userId\` varchar(36) NOT NULL,
                \`method\` varchar(8) NOT NULL,
                \`failedAttempts\` int NOT NULL DEFAULT '0',
                \`expiresAt\` datetime NOT NULL,
                \`completedAt\` datetime NULL,
                INDEX \`IDX_login_challenges_user\` (\`userId\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            CREATE TABLE \`one_time_codes\` (
                \`id\` varchar(36) NOT NULL,
                \`userId\` varchar(36) NOT NULL,
                \`purpose\` varchar(16) NOT NULL,
                \`challengeId\` varchar(36) NULL,
                \`codeHash\` varchar(64) NOT NULL,
                \`expiresAt\` datetime NOT NULL,
                \`sentAt\` datetime NOT NULL,
                \`consumedAt\` datetime NULL,
                \`failedAttempts\` int NOT NULL DEFAULT '0',
                UNIQUE INDEX \`UQ_one_time_codes_user_purpose\` (\`userId\`, \`purpose\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            CREATE TABLE \`totp_factors\` (
                \`id\` varchar(36) NOT NULL,
                \`userId\` varchar(36) NOT NULL,
                \`secret\` varchar(255) NULL,
                \`pendingSecret\` varchar(255) NULL,
                \`configuredAt\` datetime NULL,
                \`lastUsedStep\` int NULL,
                UNIQUE INDEX \`UQ_totp_factors_user\` (\`userId\`),
                UNIQUE INDEX \`REL_ec87d7f0add5de08a0ddca7d41\` (\`userId\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            CREATE TABLE \`two_factor_states\` (
                \`userId\` varchar(36) NOT NULL,
                \`lastUsedMethod\` varchar(8) NULL,
                \`failureCount\` int NOT NULL DEFAULT '0',
                \`lastFailureAt\` datetime NULL,
                PRIMARY KEY (\`userId\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            ALTER TABLE \`email_factors\`
            ADD CONSTRAINT \`FK_4e363774116e8e251b6c69563ea\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE \`login_challenges\`
            ADD CONSTRAINT \`FK_32964d33d14f55fba6e83ee9045\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE \`one_time_codes\`
            ADD CONSTRAINT \`FK_8e1bed7e80887a2ad94b0b1f31b\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE \`totp_factors\`
            ADD CONSTRAINT \`FK_ec87d7f0add5de08a0ddca7d41e\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE \`two_factor_states\`
            ADD CONSTRAINT \`FK_21db42a432a24f488654f356acf\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE \`two_factor_states\` DROP FOREIGN KEY \`FK_21db42a432a24f488654f356acf\`
        `);
    await queryRunner.query(`
            ALTER TABLE \`totp_factors\` DROP FOREIGN KEY \`FK_ec87d7f0add5de08a0ddca7d41e\`
        `);
    await queryRunner.query(`
            ALTER TABLE \`one_time_codes\` DROP FOREIGN KEY \`FK_8e1bed7e80887a2ad94b0b1f31b\`
        `);
    await queryRunner.query(`
            ALTER TABLE \`login_challenges\` DROP FOREIGN KEY \`FK_32964d33d14f55fba6e83ee9045\`
        `);
    await queryRunner.query(`
            ALTER TABLE \`email_factors\` DROP FOREIGN KEY \`FK_4e363774116e8e251b6c69563ea\`
        `);
    await queryRunner.query(`
            DROP TABLE \`two_factor_states\`
        `);
    await queryRunner.query(`
            DROP INDEX \`REL_ec87d7f0add5de08a0ddca7d41\` ON \`totp_factors\`
        `);
    await queryRunner.query(`
            DROP INDEX \`UQ_totp_factors_user\` ON \`totp_factors\`
        `);
    await queryRunner.query(`
            DROP TABLE \`totp_factors\`
        `);
    await queryRunner.query(`
            DROP INDEX \`UQ_one_time_codes_user_purpose\` ON \`one_time_codes\`
        `);
    await queryRunner.query(`
            DROP TABLE \`one_time_codes\`
        `);
    await queryRunner.query(`
            DROP INDEX \`IDX_login_challenges_user\` ON \`login_challenges\`
        `);
    await queryRunner.query(`
            DROP TABLE \`login_challenges\`
        `);
    await queryRunner.query(`
            DROP INDEX \`REL_4e363774116e8e251b6c69563e\` ON \`email_factors\`
        `);
    await queryRunner.query(`
            DROP INDEX \`UQ_email_factors_user\` ON \`email_factors\`
        `);
    await queryRunner.query(`
            DROP TABLE \`email_factors\`
        `);
    await queryRunner.query(`
            DROP INDEX \`IDX_audit_events_account_created\` ON \`audit_events\`
        `);
    await queryRunner.query(`
            DROP INDEX \`IDX_audit_events_user_created\` ON \`audit_events\`
        `);
    await queryRunner.query(`
            DROP TABLE \`audit_events\`
        `);
  }
}
