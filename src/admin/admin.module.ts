import { Module } from '@nestjs/common';
import { AuthModule } from 'src/auth/auth.module';
import { PolicyModule } from 'src/policy/policy.module';
import { UsersModule } from 'src/users/users.module';
import { AdminAuditEventsController } from './admin-audit-events.controller';
import { AdminPolicyController } from './admin-policy.controller';
import { AdminUsersController } from './admin-users.controller';

/** What administrators use, over the services of the modules below; nothing imports it. */
@Module({
  imports: [UsersModule, PolicyModule, AuthModule],
  controllers: [AdminUsersController, AdminPolicyController, AdminAuditEventsController],
})
export class AdminModule {}
