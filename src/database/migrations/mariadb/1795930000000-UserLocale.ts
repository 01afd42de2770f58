import { MigrationInterface, QueryRunner } from 'typeorm';

/** The language of each user's mails; null until a sign-in says it. */
export class UserLocale1795930000000 implements MigrationInterface {
  name = 'UserLocale1795930000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`users\` ADD \`locale\` varchar(8) NULL DEFAULT NULL
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`users\` DROP COLUMN \`locale\`
    `);
  }
}
