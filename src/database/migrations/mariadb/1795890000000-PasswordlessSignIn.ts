import { MigrationInterface, QueryRunner } from 'typeorm';

/** An account's switch for signing in with a passkey alone; on unless turned off. */
export class PasswordlessSignIn1795890000000 implements MigrationInterface {
  name = 'PasswordlessSignIn1795890000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`account_policies\` ADD \`passwordlessSignIn\` tinyint NOT NULL DEFAULT 1
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`account_policies\` DROP COLUMN \`passwordlessSignIn\`
    `);
  }
}
