import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795824405776 implements MigrationInterface {
  name = 'Foundation1795824405776';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE \`accounts\` (
                \`id\` varchar(36) NOT NULL,
                \`name\` varchar(120) NOT NULL,
                \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            CREATE TABLE \`users\` (
                \`id\` varchar(36) NOT NULL,
                \`accountId\` varchar(36) NOT NULL,
                \`email\` varchar(254) NOT NULL,
                \`name\` varchar(120) NOT NULL,
                \`passwordHash\` varchar(255) NOT NULL,
                \`role\` varchar(16) NOT NULL,
                \`active\` tinyint NOT NULL DEFAULT 1,
                \`sessionVersion\` int NOT NULL DEFAULT '1',
                \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                \`updatedAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
                UNIQUE INDEX \`UQ_users_email\` (\`email\`),
                INDEX \`IDX_users_account_created\` (\`accountId\`, \`createdAt\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            CREATE TABLE \`refresh_tokens\` (
                \`id\` varchar(36) NOT NULL,
                \`userId\` varchar(36) NOT NULL,
                \`familyId\` varchar(36) NOT NULL,
                \`tokenHash\` varchar(64) NOT NULL,
                \`sessionVersion\` int NOT NULL,
                \`expiresAt\` datetime NOT NULL,
                \`usedAt\` datetime NULL,
                \`revokedAt\` datetime NULL,
                \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                INDEX \`IDX_refresh_tokens_user\` (\`userId\`),
                INDEX \`IDX_refresh_tokens_family\` (\`familyId\`),
                UNIQUE INDEX \`UQ_refresh_tokens_hash\` (\`tokenHash\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            ALTER TABLE \`users\`
            ADD CONSTRAINT \`FK_42bba679e348de51a699fb0a803\` FOREIGN KEY (\`accountId\`) REFERENCES \`accounts\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE \`refresh_tokens\`
            ADD CONSTRAINT \`FK_610102b60fea1455310ccd299de\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE \`refresh_tokens\` DROP FOREIGN KEY \`FK_610102b60fea1455310ccd299de\`
        `);
    await queryRunner.query(`
            ALTER TABLE \`users\` DROP FOREIGN KEY \`FK_42bba679e348de51a699fb0a803\`
        `);
    await queryRunner.query(`
            DROP INDEX \`UQ_refresh_tokens_hash\` ON \`refresh_tokens\`
        `);
    await queryRunner.query(`
            DROP INDEX \`IDX_refresh_tokens_family\` ON \`refresh_tokens\`
        `);
    await queryRunner.query(`
            DROP INDEX \`IDX_refresh_tokens_user\` ON \`refresh_tokens\`
        `);
    await queryRunner.query(`
            DROP TABLE \`refresh_tokens\`
        `);
    await queryRunner.query(`
            DROP INDEX \`IDX_users_account_created\` ON \`users\`
        `);
    await queryRunner.query(`
            DROP INDEX \`UQ_users_email\` ON \`users\`
        `);
    await queryRunner.query(`
            DROP TABLE \`users\`
        `);
    await queryRunner.query(`
            DROP TABLE \`accounts\`
        `);
  }
}
