import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository, type EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock';
import { CryptoService } from 'src/common/crypto/crypto.service';
import type { SecondFactor, VerifyOutcome } from 'src/two-factor/second-factor';
import { ambientRepository } from 'src/database/transactions';
import { RecoveryCode } from './recovery-code.entity';
import { RecoveryCodeAnswerDto } from './recovery.dto';

const RECOVERY_CODE_COUNT = 10;
/** Crockford-like: no 0/O or 1/I/L to misread on paper. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** R1: single-use codes that stand in for a method; not a method of their own. */
@Injectable()
export class RecoveryCodesService implements SecondFactor<RecoveryCodeAnswerDto> {
  static readonly method = 'recovery';
  readonly name = RecoveryCodesService.method;
  readonly label = 'recovery code';
  readonly answerType = RecoveryCodeAnswerDto;

  constructor(
    @InjectRepository(RecoveryCode) private readonly codes: Repository<RecoveryCode>,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
  ) {}

  /** Ten new codes, shown once; the earlier set stops working. About 49 bits each. */
  async regenerate(manager: EntityManager, userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => this.newCode());
    await manager.delete(RecoveryCode, { userId });
    await manager.insert(
      RecoveryCode,
      codes.map((code) =>
        manager.create(RecoveryCode, { userId, codeHash: this.crypto.hash(code), usedAt: null }),
      ),
    );
    return codes;
  }

  /** Never asked for first: the user chooses one at verify. */
  start(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  /** Single use, decided by one conditional UPDATE; the answer arrives upper-cased. */
  async verify(
    userId: string,
    _challengeId: string,
    { code }: RecoveryCodeAnswerDto,
  ): Promise<VerifyOutcome> {
    const used = await ambientRepository(this.codes).update(
      { userId, codeHash: this.crypto.hash(code), usedAt: IsNull() },
      { usedAt: this.clock.now() },
    );
    return used.affected === 1 ? 'accepted' : 'invalid';
  }

  remaining(userId: string): Promise<number> {
    return this.codes.countBy({ userId, usedAt: IsNull() });
  }

  async isEnabled(manager: EntityManager, userId: string): Promise<boolean> {
    return (await manager.countBy(RecoveryCode, { userId, usedAt: IsNull() })) > 0;
  }

  async remove(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(RecoveryCode, { userId });
  }

  private newCode(): string {
    const chars = this.crypto.randomString(ALPHABET, 10);
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  }
}
