import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user is disabled since a moment (`disabledAt`), no longer by a flag; and the users list shows
 * when each last signed in. A user disabled by the old flag keeps being disabled.
 */
export class UserStatus1795920000000 implements MigrationInterface {
  name = 'UserStatus1795920000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`users\` ADD \`disabledAt\` datetime NULL DEFAULT NULL,
        ADD \`lastSignInAt\` datetime NULL DEFAULT NULL
    `);
    await queryRunner.query(`
      UPDATE \`users\` SET \`disabledAt\` = \`updatedAt\` WHERE \`active\` = 0
    `);
    await queryRunner.query(`
      ALTER TABLE \`users\` DROP COLUMN \`active\`
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`users\` ADD \`active\` tinyint NOT NULL DEFAULT 1
    `);
    await queryRunner.query(`
      UPDATE \`users\` SET \`active\` = 0 WHERE \`disabledAt\` IS NOT NULL
    `);
    await queryRunner.query(`
      ALTER TABLE \`users\` DROP COLUMN \`lastSignInAt\`, DROP COLUMN \`disabledAt\`
    `);
  }
}
