import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { AuditService, type AuditSubject } from 'src/audit/audit.service';
import type { ClientInfo } from 'src/common/http/client-info';
import { DevicesService } from 'src/devices/devices.service';
import { MailService } from 'src/mail/mail.service';
import { SessionsService } from 'src/sessions/sessions.service';
import { TwoFactorService } from 'src/two-factor/two-factor.service';
import { UsersService } from 'src/users/users.service';

/** An administrator's reset of a user's second factor, from the API and the panel, and support's. */
@Injectable()
export class TwoFactorResetService {
  constructor(
    private readonly users: UsersService,
    private readonly twoFactor: TwoFactorService,
    private readonly devices: DevicesService,
    private readonly sessions: SessionsService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  /** A3: everything the user had for the second factor goes; the administrator sees none of it. */
  async resetTwoFactor(admin: Principal, userId: string, client: ClientInfo): Promise<void> {
    const user = await this.users.getInAccount(admin.accountId, userId);
    await this.reset(user, admin.userId, client);
    await this.mail.sendTwoFactorReset(user);
  }

  /**
   * The reset itself, audited with who did it; the caller tells the user (the support desk says
   * why in its own notice, H4).
   */
  async reset(user: AuditSubject, actorId: string, client: ClientInfo): Promise<void> {
    await this.twoFactor.reset(user.id, (manager) => this.devices.revokeAll(user.id, manager));
    await this.sessions.endAll(user.id);
    await this.audit.record({ type: 'two_factor.reset', user, actorId, client });
  }
}
