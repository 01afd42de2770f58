import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { sqlAffected } from 'src/database/sql';
import { ambientRepository } from 'src/database/transactions';
import type { TwoFactorMethod } from './factor-registry';
import { MethodPreference } from './method-preference.entity';

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

  /** Most users have a row: one plain UPDATE, and the upsert only for their first success. */
  async recordUse(userId: string, method: TwoFactorMethod): Promise<void> {
    const updated = await sqlAffected(
      this.preferences.manager,
      'UPDATE two_factor_preferences SET lastUsedMethod = ? WHERE userId = ?',
      [method, userId],
    );
    if (updated === 0) {
      await ambientRepository(this.preferences).upsert({ userId, lastUsedMethod: method }, [
        'userId',
      ]);
    }
  }

  async clear(userId: string): Promise<void> {
    await this.preferences.delete({ userId });
  }
}
