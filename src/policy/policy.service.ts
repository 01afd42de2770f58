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
    }>(
      this.policies.manager,
      // Every login without a method asks, so the statement is hand-written (database/sql.ts).
      'SELECT twoFactorRequired, passwordlessSignIn FROM account_policies WHERE accountId = ?',
      [accountId],
    );
    const twoFactorRequired = !!policy?.twoFactorRequired;
    const mandatoryFrom = this.config.twoFactorMandatoryFrom ?? null;
    const platformMandatory = !!mandatoryFrom && mandatoryFrom <= this.clock.now();
    return {
      twoFactorRequired,
      passwordlessSignIn: policy ? !!policy.passwordlessSignIn : true,
      mandatoryFrom,
      enforced: twoFactorRequired || platformMandatory,
    };
  }

  async isMandatory(accountId: string): Promise<boolean> {
    return (await this.get(accountId)).enforced;
  }

  /** `passwordlessSignIn` left out keeps its value. */
  async update(
    admin: Principal,
    change: { twoFactorRequired: boolean; passwordlessSignIn?: boolean },
    client: ClientInfo,
  ): Promise<PolicyDto> {
    const { twoFactorRequired } = change;
    const passwordlessSignIn =
      change.passwordlessSignIn ?? (await this.get(admin.accountId)).passwordlessSignIn;
    await this.policies.upsert(
      {
        accountId: admin.accountId,
        twoFactorRequired,
        passwordlessSignIn,
        updatedBy: admin.userId,
      },
      ['accountId'],
    );
    await this.audit.record({
      type: 'policy.changed',
      user: { id: admin.userId, accountId: admin.accountId },
      detail:
        change.passwordlessSignIn === undefined
          ? `twoFactorRequired=${twoFactorRequired}`
          : `twoFactorRequired=${twoFactorRequired} passwordlessSignIn=${passwordlessSignIn}`,
      client,
    });
    return this.get(admin.accountId);
  }
}
