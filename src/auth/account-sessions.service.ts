import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import type { ClientInfo } from 'src/common/http/client-info';
import { DevicesService } from 'src/devices/devices.service';
import { SessionsService } from 'src/sessions/sessions.service';
import { PasswordRecheckService } from 'src/users/password-recheck.service';
import { UsersService } from 'src/users/users.service';
import { PasswordGate } from './password-gate.service';

/** The user ending their own sessions: everywhere at once, or all others with a new password. */
@Injectable()
export class AccountSessionsService {
  constructor(
    private readonly gate: PasswordGate,
    private readonly users: UsersService,
    private readonly recheck: PasswordRecheckService,
    private readonly sessions: SessionsService,
    private readonly devices: DevicesService,
  ) {}

  /** S4, D4: every session and trusted device of the user ends. */
  async logoutEverywhere(userId: string): Promise<void> {
    await this.sessions.endAll(userId);
    await this.devices.revokeAll(userId);
  }

  /** Other sessions and every trusted device end; the caller's session carries on (S4, D4). */
  async changePassword(
    caller: Principal,
    current: string,
    next: string,
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.gate.pass(caller, current, client);
    await this.users.changePassword(user, next);
    await this.recheck.reset(user.id);
    await this.sessions.endAll(user.id, caller.sessionId);
    await this.devices.revokeAll(user.id);
  }
}
