import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DevicesModule } from 'src/devices/devices.module';
import { MailModule } from 'src/mail/mail.module';
import { PolicyModule } from 'src/policy/policy.module';
import { RateLimitModule } from 'src/rate-limit/rate-limit.module';
import { TwoFactorModule } from 'src/two-factor/two-factor.module';
import { UsersModule } from 'src/users/users.module';
import { AuthModule } from '../auth.module';
import { SupportActionsService } from './support-actions.service';
import { SupportApprovalsService } from './support-approvals.service';
import { SupportDeskService } from './support-desk.service';
import { SupportRequest } from './support-request.entity';
import { SupportRequestsService } from './support-requests.service';
import { SupportStatusService } from './support-status.service';

/**
 * The support desk's use cases (H1–H4), below the leaves that offer them: the API's
 * /api/support and /api/admin/support-requests (support/) and the panel's pages (admin-panel/).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([SupportRequest]),
    AuthModule,
    UsersModule,
    TwoFactorModule,
    DevicesModule,
    PolicyModule,
    RateLimitModule,
    MailModule,
  ],
  providers: [
    SupportDeskService,
    SupportStatusService,
    SupportActionsService,
    SupportApprovalsService,
    SupportRequestsService,
  ],
  exports: [SupportDeskService, SupportApprovalsService, SupportRequestsService],
})
export class SupportDeskModule {}
