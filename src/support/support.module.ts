import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from 'src/auth/auth.module';
import { DevicesModule } from 'src/devices/devices.module';
import { MailModule } from 'src/mail/mail.module';
import { PolicyModule } from 'src/policy/policy.module';
import { RateLimitModule } from 'src/rate-limit/rate-limit.module';
import { TwoFactorModule } from 'src/two-factor/two-factor.module';
import { UsersModule } from 'src/users/users.module';
import { SupportActionsService } from './support-actions.service';
import { SupportApprovalsController } from './support-approvals.controller';
import { SupportApprovalsService } from './support-approvals.service';
import { SupportController } from './support.controller';
import { SupportDeskService } from './support-desk.service';
import { SupportRequest } from './support-request.entity';
import { SupportRequestsService } from './support-requests.service';
import { SupportStatusService } from './support-status.service';

/**
 * The support desk (H1–H4): platform staff help a locked-out user across accounts, and the
 * account's administrators approve when their policy asks. Roles come from the CLI only.
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
  controllers: [SupportController, SupportApprovalsController],
  providers: [
    SupportDeskService,
    SupportStatusService,
    SupportActionsService,
    SupportApprovalsService,
    SupportRequestsService,
  ],
})
export class SupportModule {}
