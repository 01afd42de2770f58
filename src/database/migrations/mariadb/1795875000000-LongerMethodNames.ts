import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Method names of up to 16 characters (`passkey`, a test's `fake-otp`) wherever one is stored,
 * and room for several of them in the users list's 2FA column. Widening keeps every row.
 */
export class LongerMethodNames1795875000000 implements MigrationInterface {
  name = 'LongerMethodNames1795875000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`login_challenges\` MODIFY \`method\` varchar(16) NULL
    `);
    await queryRunner.query(`
      ALTER TABLE \`two_factor_preferences\` MODIFY \`lastUsedMethod\` varchar(16) NULL
    `);
    await queryRunner.query(`
      ALTER TABLE \`users\` MODIFY \`twoFactorMethods\` varchar(128) NOT NULL DEFAULT ''
    `);
  }

  /** Refused by strict mode while a longer name is stored: remove such methods first. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`users\` MODIFY \`twoFactorMethods\` varchar(64) NOT NULL DEFAULT ''
    `);
    await queryRunner.query(`
      ALTER TABLE \`two_factor_preferences\` MODIFY \`lastUsedMethod\` varchar(8) NULL
    `);
    await queryRunner.query(`
      ALTER TABLE \`login_challenges\` MODIFY \`method\` varchar(8) NULL
    `);
  }
}
