import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { ChallengesService } from 'src/auth/challenges.service';
import { DevicesService } from 'src/devices/devices.service';
import { PolicyService } from 'src/policy/policy.service';
import { maskEmail } from 'src/two-factor/email/email-factor.service';
import { FactorRegistry, methodsOf } from 'src/two-factor/factor-registry';
import type { User } from 'src/users/user.entity';
import type { SupportUserStatusDto } from './support.dto';

/** H4: what support may know of a user's second factor; the account stays otherwise closed. */
@Injectable()
export class SupportStatusService {
  constructor(
    private readonly factors: FactorRegistry,
    private readonly devices: DevicesService,
    private readonly challenges: ChallengesService,
    private readonly policy: PolicyService,
  ) {}

  async of(target: User, caller: Principal): Promise<SupportUserStatusDto> {
    const [devices, lockedUntil, policy, recoveryCodesRemaining] = await Promise.all([
      this.devices.list(target.id, undefined),
      this.challenges.lockedUntil(target.id),
      this.policy.get(target.accountId),
      this.factors.recovery.remaining(target.id),
    ]);
    return {
      id: target.id,
      maskedEmail: maskEmail(target.email),
      name: target.name,
      accountName: target.account!.name,
      role: target.role,
      platformStaff: !!target.platformRole,
      twoFactorMandatory: policy.enforced,
      methods: methodsOf(target).map((method) => this.factors.labelOf(method)),
      recoveryCodesRemaining,
      trustedDevices: devices.length,
      locked: !!lockedUntil,
      lockedUntil,
      lastSignInAt: target.lastSignInAt,
      actionable: mayActOn(caller, target),
      approvalRequired: policy.supportApprovalRequired,
    };
  }
}

/**
 * H2: plain support acts on members only; account administrators and platform staff need
 * privileged support. Nobody acts on themself through the desk.
 */
export function mayActOn(caller: Principal, target: User): boolean {
  if (target.id === caller.userId) return false;
  const sensitive = target.role === 'admin' || !!target.platformRole;
  return !sensitive || caller.platformRole === 'privileged-support';
}
