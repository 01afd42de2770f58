import { Injectable } from '@nestjs/common';
import { AuditService } from 'src/audit/audit.service';
import { AccountSessionsService } from 'src/auth/account-sessions.service';
import { TwoFactorResetService } from 'src/auth/two-factor-reset.service';
import type { ClientInfo } from 'src/common/http/client-info';
import { MailService, type Recipient } from 'src/mail/mail.service';
import { FactorRegistry } from 'src/two-factor/factor-registry';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import type { SupportActionResultDto } from './support.dto';
import type { SupportRequest } from './support-request.entity';

/** Where a support action stands, in the trail and in mails. */
export type Outcome = 'done' | 'pending' | 'approved' | 'refused';

/** Carries out support's actions with the services administrators use, and leaves the trail. */
@Injectable()
export class SupportActionsService {
  constructor(
    private readonly factors: FactorRegistry,
    private readonly resets: TwoFactorResetService,
    private readonly accountSessions: AccountSessionsService,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  /** The temporary code is answered here, once, and never stored, mailed or logged (H3, L2). */
  async perform(
    request: SupportRequest,
    target: User,
    client: ClientInfo,
  ): Promise<Pick<SupportActionResultDto, 'temporaryCode' | 'expiresAt'>> {
    switch (request.action) {
      case 'temporary_code': {
        const { code, expiresAt } = await this.factors.temporary.issue(
          target.id,
          request.supportUserId,
        );
        return { temporaryCode: code, expiresAt };
      }
      case 'reset':
        await this.resets.reset(target, request.supportUserId, client);
        return {};
      case 'end_sessions':
        await this.accountSessions.logoutEverywhere(target.id);
        return {};
      case 'lookup':
        return {};
    }
  }

  /** H4: the account's trail names who acted, why, under which ticket, and how it stands. */
  record(request: SupportRequest, outcome: Outcome, actorId: string, client: ClientInfo) {
    return this.audit.record({
      type: 'support.action',
      user: { id: request.targetUserId, accountId: request.accountId },
      actorId,
      detail: `${request.action} ${outcome}`,
      reason: request.reason,
      ticket: request.ticket,
      client,
    });
  }

  /** H4: the user and the account's administrators hear of every action, with its reason. */
  async notify(request: SupportRequest, user: Recipient, outcome: Outcome): Promise<void> {
    const admins = await this.users.adminRecipients(request.accountId);
    await this.mail.sendSupportAction(
      [user, ...admins.filter((admin) => admin.email !== user.email)],
      {
        action: request.action,
        userEmail: user.email,
        outcome,
        reason: request.reason,
        ticket: request.ticket,
      },
    );
  }
}
