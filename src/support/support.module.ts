import { Module } from '@nestjs/common';
import { SupportDeskModule } from 'src/auth/support-desk/support-desk.module';
import { SupportApprovalsController } from './support-approvals.controller';
import { SupportController } from './support.controller';

/**
 * The support desk's API (H1–H4): platform staff help a locked-out user across accounts, and the
 * account's administrators approve when their policy asks. Roles come from the CLI only; the use
 * cases live in auth/support-desk/, which the panel shares.
 */
@Module({
  imports: [SupportDeskModule],
  controllers: [SupportController, SupportApprovalsController],
})
export class SupportModule {}
