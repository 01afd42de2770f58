import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Clock } from 'src/common/clock';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { RecoveryCode } from './recovery-code.entity';

const RECOVERY_CODE_COUNT = 10;
/** Crockford-like: no 0/O or 1/I/L to misread on paper. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const RECOVERY_CODE_PATTERN = /^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/;

@Injectable()
export class RecoveryCodesService {
  constructor(
    @InjectRepository(RecoveryCode) private readonly codes: Repository<RecoveryCode>,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
  ) {}

  /** Ten new codes, shown once; the earlier set stops working. About 49 bits each. */
  async regenerate(userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => this.newCode());
    await this.codes.manager.transaction(async (manager) => {
      await manager.delete(RecoveryCode, { userId });
      await manager.insert(
        RecoveryCode,
        codes.map((code) =>
          manager.create(RecoveryCode, { userId, codeHash: this.crypto.hash(code), usedAt: null }),
        ),
      );
    });
    return codes;
  }

  /** Single use, decided by one conditional UPDATE. */
  async consume(userId: string, code: string): Promise<boolean> {
    const used = await this.codes.update(
      { userId, codeHash: this.crypto.hash(code.toUpperCase()), usedAt: IsNull() },
      { usedAt: this.clock.now() },
    );
    return used.affected === 1;
  }

  remaining(userId: string): Promise<number> {
    return this.codes.countBy({ userId, usedAt: IsNull() });
  }

  async removeAll(userId: string): Promise<void> {
    await this.codes.delete({ userId });
  }

  private newCode(): string {
    const chars = this.crypto.randomString(ALPHABET, 10);
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  }
}
