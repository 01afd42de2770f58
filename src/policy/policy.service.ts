import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { Principal } from 'src/access/principal';
import { Clock } from 'src/common/clock';
import type { ClientInfo } from 'src/common/http/client-info';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { sqlRows } from 'src/database/sql';
import { AccountPolicy } from './account-policy.entity';
import type { PolicyDto } from './policy.dto';

/**
 * Whether 2FA is mandatory: the account's own switch, or the platform-wide date. Turning it off
 * removes nothing; sessions started before it was turned on keep working until their next login.
 */
@Injectable()
export class PolicyService {
  constructor(
    @InjectRepository(AccountPolicy) private readonly policies: Repository<AccountPolicy>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(accountId: string): Promise<PolicyDto> {
    const [policy] = await sqlRows<{
      twoFactorRequired: number | boolean;
      passwordlessSignIn: number | boolean;
      supportApprovalRequired: number | boolean;
    }>(
      this.policies.manager,
      // Every login without a method asks, so the statement is hand-written (database/sql.ts).
      `SELECT twoFactorRequired, passwordlessSignIn, supportApprovalRequired
        FROM account_policies WHERE accountId = ?`,
      [accountId],
    );
    const twoFactorRequired = !!policy?.twoFactorRequired;
    const mandatoryFrom = this.config.twoFactorMandatoryFrom ?? null;
    const platformMandatory = !!mandatoryFrom && mandatoryFrom <= this.clock.now();
    return {
      twoFactorRequired,
      passwordlessSignIn: policy ? !!policy.passwordlessSignIn : true,
      supportApprovalRequired: !!policy?.supportApprovalRequired,
      mandatoryFrom,
      enforced: twoFactorRequired || platformMandatory,
    };
  }

  async isMandatory(accountId: string): Promise<boolean> {
    return (await this.get(accountId)).enforced;
  }

  /** H4: whether support's actions on this account wait for an administrator's approval. */
  async requiresSupportApproval(accountId: string): Promise<boolean> {
    return (await this.get(accountId)).supportApprovalRequired;
  }

  /** The switches left out keep their values. */
  async update(
    admin: Principal,
    change: {
      twoFactorRequired: boolean;
      passwordlessSignIn?: boolean;
      supportApprovalRequired?: boolean;
    },
    client: ClientInfo,
  ): Promise<PolicyDto> {
    const { twoFactorRequired } = change;
    const current = await this.get(admin.accountId);
    const passwordlessSignIn = change.passwordlessSignIn ?? current.passwordlessSignIn;
    const supportApprovalRequired =
      change.supportApprovalRequired ?? current.supportApprovalRequired;
    await this.policies.upsert(
      {
        accountId: admin.accountId,
        twoFactorRequired,
        passwordlessSignIn,
        supportApprovalRequired,
        updatedBy: admin.userId,
      },
      ['accountId'],
    );
    // The switches this change named, as before (`twoFactorRequired` always).
    const named = [`twoFactorRequired=${twoFactorRequired}`];
    if (change.passwordlessSignIn !== undefined) {
      named.push(`passwordlessSignIn=${passwordlessSignIn}`);
    }
    if (change.supportApprovalRequired !== undefined) {
      named.push(`supportApprovalRequired=${supportApprovalRequired}`);
    }
    await this.audit.record({
      type: 'policy.changed',
      user: { id: admin.userId, accountId: admin.accountId },
      detail: named.join(' '),
      client,
    });
    return this.get(admin.accountId);
  }
}
