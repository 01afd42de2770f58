import { DynamicModule, Module } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { AuditModule } from 'src/audit/audit.module';
import { AuthModule } from 'src/auth/auth.module';
import { SupportDeskModule } from 'src/auth/support-desk/support-desk.module';
import { PolicyModule } from 'src/policy/policy.module';
import { RateLimitModule } from 'src/rate-limit/rate-limit.module';
import { SessionsModule } from 'src/sessions/sessions.module';
import { UsersModule } from 'src/users/users.module';
import { importAdminJs } from './panel-bundle';
import { PanelGateway } from './panel-gateway';
import { ADMINJS, PanelLoader } from './panel.loader';

/**
 * The AdminJS panel at /admin: Settings > Users, audit events, support requests and the
 * 2FA policy. What it uses
 * of the product is reached through PanelGateway only; its sessions are held in the sessions module's store.
 */
@Module({})
export class AdminPanelModule {
  /** AdminJS is ESM-only: imported with import() before Nest wires the module. */
  static async forRoot(): Promise<DynamicModule> {
    const adminjs = await importAdminJs();
    return {
      module: AdminPanelModule,
      imports: [
        AccessModule,
        AuditModule,
        AuthModule,
        SupportDeskModule,
        UsersModule,
        SessionsModule,
        PolicyModule,
        RateLimitModule,
      ],
      providers: [{ provide: ADMINJS, useValue: adminjs }, PanelGateway, PanelLoader],
    };
  }
}
