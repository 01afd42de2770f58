import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Passkeys (issue 15): the credentials, several per user, and the WebAuthn challenges. Credential
 * ids and challenges are base64url: ascii with a binary collation, so case counts (W5, W2) and
 * the unique indexes stay small.
 */
export class Passkeys1795880000000 implements MigrationInterface {
  name = 'Passkeys1795880000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE \`webauthn_challenges\` (
                \`id\` varchar(36) NOT NULL,
                \`challenge\` varchar(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
                \`purpose\` varchar(16) NOT NULL,
                \`userId\` varchar(36) NULL,
                \`signInId\` varchar(36) NULL,
                \`expiresAt\` datetime NOT NULL,
                \`usedAt\` datetime NULL,
                UNIQUE INDEX \`UQ_webauthn_challenges_challenge\` (\`challenge\`),
                INDEX \`IDX_webauthn_challenges_expires\` (\`expiresAt\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            CREATE TABLE \`passkey_credentials\` (
                \`id\` varchar(36) NOT NULL,
                \`userId\` varchar(36) NOT NULL,
                \`credentialId\` varchar(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
                \`publicKey\` text NOT NULL,
                \`counter\` bigint NOT NULL,
                \`transports\` text NOT NULL,
                \`aaguid\` varchar(36) NOT NULL,
                \`backedUp\` tinyint NOT NULL,
                \`deviceType\` varchar(16) NOT NULL,
                \`name\` varchar(64) NOT NULL,
                \`createdAt\` datetime NOT NULL,
                \`lastUsedAt\` datetime NULL,
                UNIQUE INDEX \`UQ_passkey_credentials_credential\` (\`credentialId\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
    await queryRunner.query(`
            ALTER TABLE \`webauthn_challenges\`
            ADD CONSTRAINT \`FK_64dc3478683b21e8b8879868713\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE \`passkey_credentials\`
            ADD CONSTRAINT \`FK_e64b5932ee3c0d213b6f1565b90\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE \`passkey_credentials\` DROP FOREIGN KEY \`FK_e64b5932ee3c0d213b6f1565b90\`
        `);
    await queryRunner.query(`
            ALTER TABLE \`webauthn_challenges\` DROP FOREIGN KEY \`FK_64dc3478683b21e8b8879868713\`
        `);
    await queryRunner.query(`
            DROP INDEX \`UQ_passkey_credentials_credential\` ON \`passkey_credentials\`
        `);
    await queryRunner.query(`
            DROP TABLE \`passkey_credentials\`
        `);
    await queryRunner.query(`
            DROP INDEX \`IDX_webauthn_challenges_expires\` ON \`webauthn_challenges\`
        `);
    await queryRunner.query(`
            DROP INDEX \`UQ_webauthn_challenges_challenge\` ON \`webauthn_challenges\`
        `);
    await queryRunner.query(`
            DROP TABLE \`webauthn_challenges\`
        `);
  }
}
