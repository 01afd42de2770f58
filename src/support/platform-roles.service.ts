import { Injectable } from '@nestjs/common';
import type { PlatformRole } from 'src/access/principal';
import { AuditService } from 'src/audit/audit.service';
import { UsersService } from 'src/users/users.service';

/**
 * H1: platform roles are granted and revoked by an operator with shell access (the CLI), never
 * over HTTP; each change is audited in the user's account, with the operator's login name.
 */
@Injectable()
export class PlatformRolesService {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async grant(email: string, role: PlatformRole, operator: string): Promise<void> {
    const user = await this.userByEmail(email);
    await this.users.setPlatformRole(user.id, role);
    await this.audit.record({
      type: 'platform_role.granted',
      user,
      actorId: null,
      detail: `${role} by operator ${operator}`.slice(0, 100),
    });
  }

  /** Answers false when the user had no platform role. */
  async revoke(email: string, operator: string): Promise<boolean> {
    const user = await this.userByEmail(email);
    if (!user.platformRole) return false;
    await this.users.setPlatformRole(user.id, null);
    await this.audit.record({
      type: 'platform_role.revoked',
      user,
      actorId: null,
      detail: `${user.platformRole} by operator ${operator}`.slice(0, 100),
    });
    return true;
  }

  private async userByEmail(email: string) {
    const user = await this.users.findByEmail(email);
    if (!user) throw new Error(`No user signs in with ${email}`);
    return user;
  }
}
