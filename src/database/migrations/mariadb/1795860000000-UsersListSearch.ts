import { MigrationInterface, QueryRunner } from 'typeorm';

/** The users list's prefix search: a range of each index within the account. */
export class UsersListSearch1795860000000 implements MigrationInterface {
  name = 'UsersListSearch1795860000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX \`IDX_users_account_email\` ON \`users\` (\`accountId\`, \`email\`)
        `);
    await queryRunner.query(`
            CREATE INDEX \`IDX_users_account_name\` ON \`users\` (\`accountId\`, \`name\`)
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX \`IDX_users_account_name\` ON \`users\`
        `);
    await queryRunner.query(`
            DROP INDEX \`IDX_users_account_email\` ON \`users\`
        `);
  }
}
