import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { AuditService } from 'src/audit/audit.service';
import type { ClientInfo } from 'src/common/http/client-info';
import { DevicesService } from 'src/devices/devices.service';
import { MailService } from 'src/mail/mail.service';
import { SessionsService } from 'src/sessions/sessions.service';
import { TwoFactorService } from 'src/two-factor/two-factor.service';
import { UsersService } from 'src/users/users.service';

/** An administrator's reset of a user's second factor, from the API and the panel alike. */
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
    await this.twoFactor.reset(user.id, (manager) => this.devices.revokeAll(user.id, manager));
    await this.sessions.endAll(user.id);
    await this.audit.record({ type: 'two_factor.reset', user, actorId: admin.userId, client });
    await this.mail.sendTwoFactorReset(user);
  }
}
