import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { AccessModule } from './access/access.module';
import { AccountsModule } from './accounts/accounts.module';
import { AdminModule } from './admin/admin.module';
import { AdminPanelModule } from './admin-panel/admin-panel.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DevicesModule } from './devices/devices.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MailModule } from './mail/mail.module';
import { MetricsModule } from './metrics/metrics.module';
import { PagesModule } from './pages/pages.module';
import { PolicyModule } from './policy/policy.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { SessionsModule } from './sessions/sessions.module';
import { SupportModule } from './support/support.module';
import { TwoFactorModule } from './two-factor/two-factor.module';
import { UsersModule } from './users/users.module';

/**
 * The whole product, by layer: foundation (config, logging, metrics, common, database, audit, mail, rate limits,
 * access), domain (accounts, users, sessions, devices, policy), two-factor, auth, and the
 * leaves: the admin API, health, the pages for people who sign in, the support desk, and the admin panel. Configuration is loaded once by the caller and passed in. The AdminJS panel is
 * opt-in because loading it needs ESM (`node --experimental-vm-modules` under Jest).
 */
@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    options: { adminPanel?: boolean; logDestination?: DestinationStream } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config, options.logDestination),
        MetricsModule,
        CommonModule,
        DatabaseModule,
        AuditModule,
        MailModule,
        RateLimitModule,
        AccessModule,
        AccountsModule,
        UsersModule,
        SessionsModule,
        TwoFactorModule,
        DevicesModule,
        PolicyModule,
        AuthModule,
        AdminModule,
        HealthModule,
        PagesModule,
        SupportModule,
        ...(options.adminPanel ? [AdminPanelModule.forRoot()] : []),
      ],
    };
  }
}
