import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { withDatabaseLock } from 'src/database/database-lock';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { UsersService } from 'src/users/users.service';
import { AccountsService } from './accounts.service';

export interface FirstAdmin {
  email: string;
  /** Only when Gatekeeper generated it; printed once and never stored in clear. */
  generatedPassword?: string;
}

const DEMO_ADMIN_EMAIL = 'admin@gatekeeper.local';

/**
 * On an empty database: the first account and administrator from ADMIN_EMAIL/ADMIN_PASSWORD,
 * or, outside production with neither set, a demo administrator with a generated password.
 */
@Injectable()
export class FirstStartService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstStart');
  /** Set when this start created the first administrator, for main.ts to print. */
  createdAdmin?: FirstAdmin;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** C1: under a database lock, so instances started together create one administrator. */
  onApplicationBootstrap(): Promise<void> {
    return withDatabaseLock(this.dataSource, 'gatekeeper:first-start', () =>
      this.createFirstAdmin(),
    );
  }

  private async createFirstAdmin(): Promise<void> {
    if ((await this.users.countAll()) > 0) return;
    const given = this.config.bootstrapAdmin;
    if (!given && this.config.production) {
      this.logger.warn(
        'No users yet: set ADMIN_EMAIL and ADMIN_PASSWORD to create the first administrator',
      );
      return;
    }
    const email = given?.email ?? DEMO_ADMIN_EMAIL;
    const password = given?.password ?? randomBytes(12).toString('base64url');
    const account = await this.accounts.create(given ? 'Default account' : 'Demo account');
    await this.users.create(account.id, { email, password, name: 'Administrator', role: 'admin' });
    this.createdAdmin = { email, generatedPassword: given ? undefined : password };
  }
}
