import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
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

  async recordUse(userId: string, method: TwoFactorMethod): Promise<void> {
    await this.preferences.upsert({ userId, lastUsedMethod: method }, ['userId']);
  }

  async clear(userId: string): Promise<void> {
    await this.preferences.delete({ userId });
  }
}
