import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attempt counters reserved before each check, the users' methods on their own row, sessions
 * that know how they passed the second factor, setup tokens backed by a pending sign-in, and
 * email columns compared byte for byte. Written by hand from `migration:generate`'s output so
 * existing rows carry over (lockout counts start again at zero).
 */
export class Hardening1795840252812 implements MigrationInterface {
  name = 'Hardening1795840252812';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`attempt_counters\` (
        \`scope\` varchar(24) NOT NULL,
        \`subjectId\` varchar(36) NOT NULL,
        \`attempts\` int NOT NULL DEFAULT '0',
        \`lastAttemptAt\` datetime NULL,
        PRIMARY KEY (\`scope\`, \`subjectId\`)
      ) ENGINE = InnoDB
    `);
    await queryRunner.query(`
      CREATE TABLE \`two_factor_preferences\` (
        \`userId\` varchar(36) NOT NULL,
        \`lastUsedMethod\` varchar(8) NULL,
        PRIMARY KEY (\`userId\`)
      ) ENGINE = InnoDB
    `);
    await queryRunner.query(`
      INSERT INTO \`two_factor_preferences\` (\`userId\`, \`lastUsedMethod\`)
      SELECT \`userId\`, \`lastUsedMethod\` FROM \`two_factor_states\`
    `);
    await queryRunner.query(`DROP TABLE \`two_factor_states\``);
    await queryRunner.query(`
      ALTER TABLE \`two_factor_preferences\`
      ADD CONSTRAINT \`FK_d956cf7fa6e1a671f29d9fa3ecc\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
    `);

    await queryRunner.query(`
      ALTER TABLE \`users\` ADD \`twoFactorMethods\` varchar(64) NOT NULL DEFAULT ''
    `);
    await queryRunner.query(`
      UPDATE \`users\` u SET \`twoFactorMethods\` = CONCAT_WS(',',
        IF(EXISTS(SELECT 1 FROM \`totp_factors\` t WHERE t.\`userId\` = u.\`id\` AND t.\`secret\` IS NOT NULL), 'totp', NULL),
        IF(EXISTS(SELECT 1 FROM \`email_factors\` e WHERE e.\`userId\` = u.\`id\` AND e.\`address\` IS NOT NULL), 'email', NULL))
    `);
    await queryRunner.query(`
      CREATE INDEX \`IDX_users_account_methods_created\` ON \`users\` (\`accountId\`, \`twoFactorMethods\`, \`createdAt\`)
    `);

    await queryRunner.query(`
      ALTER TABLE \`refresh_tokens\` ADD \`origin\` varchar(16) NOT NULL DEFAULT 'password'
    `);
    await queryRunner.query(`
      UPDATE \`refresh_tokens\` SET \`origin\` = IF(\`secondFactor\`, 'second_factor', 'password')
    `);
    await queryRunner.query(`ALTER TABLE \`refresh_tokens\` ALTER \`origin\` DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE \`refresh_tokens\` DROP COLUMN \`secondFactor\``);
    await queryRunner.query(`
      CREATE INDEX \`IDX_refresh_tokens_device\` ON \`refresh_tokens\` (\`deviceId\`)
    `);

    await queryRunner.query(`
      ALTER TABLE \`login_challenges\` MODIFY \`method\` varchar(8) NULL
    `);

    // P7: addresses are stored lower-cased, so a binary collation compares exactly up to case.
    await queryRunner.query(`
      ALTER TABLE \`users\` MODIFY \`email\` varchar(254) COLLATE utf8mb4_bin NOT NULL
    `);
    await queryRunner.query(`
      ALTER TABLE \`email_factors\`
        MODIFY \`address\` varchar(254) COLLATE utf8mb4_bin NULL,
        MODIFY \`pendingAddress\` varchar(254) COLLATE utf8mb4_bin NULL
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`email_factors\`
        MODIFY \`address\` varchar(254) COLLATE utf8mb4_unicode_ci NULL,
        MODIFY \`pendingAddress\` varchar(254) COLLATE utf8mb4_unicode_ci NULL
    `);
    await queryRunner.query(`
      ALTER TABLE \`users\` MODIFY \`email\` varchar(254) COLLATE utf8mb4_unicode_ci NOT NULL
    `);
    await queryRunner.query(`DELETE FROM \`login_challenges\` WHERE \`method\` IS NULL`);
    await queryRunner.query(`
      ALTER TABLE \`login_challenges\` MODIFY \`method\` varchar(8) NOT NULL
    `);
    await queryRunner.query(`DROP INDEX \`IDX_refresh_tokens_device\` ON \`refresh_tokens\``);
    await queryRunner.query(`
      ALTER TABLE \`refresh_tokens\` ADD \`secondFactor\` tinyint NOT NULL DEFAULT 0
    `);
    await queryRunner.query(`
      UPDATE \`refresh_tokens\` SET \`secondFactor\` = \`origin\` <> 'password'
    `);
    await queryRunner.query(`ALTER TABLE \`refresh_tokens\` DROP COLUMN \`origin\``);
    await queryRunner.query(`DROP INDEX \`IDX_users_account_methods_created\` ON \`users\``);
    await queryRunner.query(`ALTER TABLE \`users\` DROP COLUMN \`twoFactorMethods\``);
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
      INSERT INTO \`two_factor_states\` (\`userId\`, \`lastUsedMethod\`)
      SELECT \`userId\`, \`lastUsedMethod\` FROM \`two_factor_preferences\`
    `);
    await queryRunner.query(`
      ALTER TABLE \`two_factor_states\`
      ADD CONSTRAINT \`FK_21db42a432a24f488654f356acf\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
    `);
    await queryRunner.query(`DROP TABLE \`two_factor_preferences\``);
    await queryRunner.query(`DROP TABLE \`attempt_counters\``);
  }
}
