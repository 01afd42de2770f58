import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { insertIgnoringDuplicates, sqlAffected } from 'src/database/sql';
import type { TwoFactorMethod } from './factor-registry';
import { MethodPreference } from './method-preference.entity';

const RECORD_USE = 'UPDATE two_factor_preferences SET lastUsedMethod = ? WHERE userId = ?';

/** Login asks first for the method the user last passed a challenge with. */
@Injectable()
export class MethodPreferenceService {
  constructor(
    @InjectRepository(MethodPreference) private readonly preferences: Repository<MethodPreference>,
  ) {}

  async lastUsed(userId: string): Promise<TwoFactorMethod | null> {
    const preference = await this.preferences.findOneBy({ userId });
    return (preference?.lastUsedMethod as TwoFactorMethod | undefined) ?? null;
  }

  /** Most users have a row: one plain UPDATE; their first success creates it. */
  async recordUse(userId: string, method: TwoFactorMethod): Promise<void> {
    const record = (sql: string) => sqlAffected(this.preferences.manager, sql, [method, userId]);
    if ((await record(RECORD_USE)) > 0) return;
    const verb = insertIgnoringDuplicates(this.preferences.manager);
    const created = await record(
      `${verb} INTO two_factor_preferences (lastUsedMethod, userId) VALUES (?, ?)`,
    );
    // A parallel first success created it meanwhile: this one is the later.
    if (created === 0) await record(RECORD_USE);
  }

  async clear(userId: string): Promise<void> {
    await this.preferences.delete({ userId });
  }
}
