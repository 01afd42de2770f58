import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { AuditService } from 'src/audit/audit.service';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { SessionsService } from 'src/sessions/sessions.service';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';

/**
 * An administrator disables a user of their account, or enables them again, from the API and the
 * panel alike. A disabled user is refused at every way in with the answer a wrong password gets
 * (P3); their sessions end at once. Nothing else about them changes.
 */
@Injectable()
export class UserStatusService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * The disabling statement itself ends every session (UsersService.disable); the session rows
   * are then marked revoked as well, as for a reset. Disabling a disabled user changes nothing.
   */
  async disable(admin: Principal, userId: string, client: ClientInfo): Promise<User> {
    const user = await this.users.getInAccount(admin.accountId, userId);
    if (user.id === admin.userId) {
      throw new AppException(ErrorCode.FORBIDDEN, 'Administrators cannot disable themselves');
    }
    if (await this.users.disable(admin.accountId, user.id, this.clock.now())) {
      await this.sessions.revokeAll(user.id);
      await this.audit.record({ type: 'user.disabled', user, actorId: admin.userId, client });
    }
    return this.users.getInAccount(admin.accountId, user.id);
  }

  /** Sessions the disabling ended stay ended; the user signs in again. */
  async enable(admin: Principal, userId: string, client: ClientInfo): Promise<User> {
    const user = await this.users.getInAccount(admin.accountId, userId);
    if (await this.users.enable(admin.accountId, user.id)) {
      await this.audit.record({ type: 'user.enabled', user, actorId: admin.userId, client });
    }
    return this.users.getInAccount(admin.accountId, user.id);
  }
}
