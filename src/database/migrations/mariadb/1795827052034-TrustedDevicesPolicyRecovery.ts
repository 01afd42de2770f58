import { MigrationInterface, QueryRunner } from 'typeorm';

export class TrustedDevicesPolicyRecovery1795827052034 implements MigrationInterface {
  name = 'TrustedDevicesPolicyRecovery1795827052034';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE \`trusted_devices\` (
                \`id\` varchar(36) NOT NULL,
                \`userId\` varchar(36) NOT NULL,
                \`tokenHash\` varchar(64) NOT NULL,
                \`name\` varchar(100) NOT NULL,
                \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                \`lastUsedAt\` datetime NOT NULL,
                \`expiresAt\` datetime NOT NULL,
                INDEX \`IDX_trusted_devices_user\` (\`userId\`),
                UNIQUE INDEX \`UQ_trusted_devices_token\` (\`tokenHash\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            CREATE TABLE \`account_policies\` (
                \`accountId\` varchar(36) NOT NULL,
                \`twoFactorRequired\` tinyint NOT NULL DEFAULT 0,
                \`updatedBy\` varchar(36) NULL,
                \`updatedAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
                PRIMARY KEY (\`accountId\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            CREATE TABLE \`recovery_codes\` (
                \`id\` varchar(36) NOT NULL,
                \`userId\` varchar(36) NOT NULL,
                \`codeHash\` varchar(64) NOT NULL,
                \`usedAt\` datetime NULL,
                \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                UNIQUE INDEX \`UQ_recovery_codes_user_hash\` (\`userId\`, \`codeHash\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            ALTER TABLE \`refresh_tokens\`
            ADD \`secondFactor\` tinyint NOT NULL DEFAULT 0
        `);
    await queryRunner.query(`
            ALTER TABLE \`refresh_tokens\`
            ADD \`deviceId\` varchar(36) NULL
        `);
    await queryRunner.query(`
            ALTER TABLE \`trusted_devices\`
            ADD CONSTRAINT \`FK_d1623ce96eb58dbfc177e00e413\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE \`account_policies\`
            ADD CONSTRAINT \`FK_1869d1d30d92a0e27f124f45d66\` FOREIGN KEY (\`accountId\`) REFERENCES \`accounts\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE \`recovery_codes\`
            ADD CONSTRAINT \`FK_5ab5f51b1ca8fcc0073d76fd3d9\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE \`recovery_codes\` DROP FOREIGN KEY \`FK_5ab5f51b1ca8fcc0073d76fd3d9\`
        `);
    await queryRunner.query(`
            ALTER TABLE \`account_policies\` DROP FOREIGN KEY \`FK_1869d1d30d92a0e27f124f45d66\`
        `);
    await queryRunner.query(`
            ALTER TABLE \`trusted_devices\` DROP FOREIGN KEY \`FK_d1623ce96eb58dbfc177e00e413\`
        `);
    await queryRunner.query(`
            ALTER TABLE \`refresh_tokens\` DROP COLUMN \`deviceId\`
        `);
    await queryRunner.query(`
            ALTER TABLE \`refresh_tokens\` DROP COLUMN \`secondFactor\`
        `);
    await queryRunner.query(`
            DROP INDEX \`UQ_recovery_codes_user_hash\` ON \`recovery_codes\`
        `);
    await queryRunner.query(`
            DROP TABLE \`recovery_codes\`
        `);
    await queryRunner.query(`
            DROP TABLE \`account_policies\`
        `);
    await queryRunner.query(`
            DROP INDEX \`UQ_trusted_devices_token\` ON \`trusted_devices\`
        `);
    await queryRunner.query(`
            DROP INDEX \`IDX_trusted_devices_user\` ON \`trusted_devices\`
        `);
    await queryRunner.query(`
            DROP TABLE \`trusted_devices\`
        `);
  }
}
