import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { withDatabaseLock } from 'src/database/database-lock';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { validateBody } from 'src/common/http/validation';
import { CreateUserDto } from 'src/users/users.dto';
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
    const admin = await firstAdminOf({
      email: given?.email ?? DEMO_ADMIN_EMAIL,
      password: given?.password ?? randomBytes(12).toString('base64url'),
      name: 'Administrator',
      role: 'admin',
    });
    const { email, password } = admin;
    const account = await this.accounts.create(given ? 'Default account' : 'Demo account');
    await this.users.create(account.id, admin);
    this.createdAdmin = { email, generatedPassword: given ? undefined : password };
  }
}

/** The first administrator the configuration names could not sign in: the start stops. */
export class FirstAdminRefused extends Error {}

/**
 * The first administrator meets the API's rules for any user, so that they can sign in: an
 * ADMIN_EMAIL the sign-in would refuse stops the first start with the rule it breaks.
 */
async function firstAdminOf(admin: CreateUserDto): Promise<CreateUserDto> {
  try {
    return await validateBody(CreateUserDto, admin);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FirstAdminRefused(`ADMIN_EMAIL or ADMIN_PASSWORD is refused: ${reason}`);
  }
}
