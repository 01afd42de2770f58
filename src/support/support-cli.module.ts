import { type DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from 'src/accounts/accounts.module';
import { AuditModule } from 'src/audit/audit.module';
import { CommonModule } from 'src/common/common.module';
import type { AppConfig } from 'src/config/app-config';
import { ConfigModule } from 'src/config/config.module';
import { DatabaseModule } from 'src/database/database.module';
import { UsersModule } from 'src/users/users.module';
import { PlatformRolesService } from './platform-roles.service';
import { GrantSupportCommand, RevokeSupportCommand, SupportCommand } from './support.command';

/** The operator's CLI (src/cli.ts): only what granting a platform role needs, no HTTP. */
@Module({})
export class SupportCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SupportCliModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule,
        DatabaseModule,
        AuditModule,
        AccountsModule,
        UsersModule,
      ],
      providers: [PlatformRolesService, SupportCommand, GrantSupportCommand, RevokeSupportCommand],
    };
  }
}
