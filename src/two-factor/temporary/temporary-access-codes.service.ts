import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { LIMITS } from 'src/config/limits';
import { sqlAffected } from 'src/database/sql';
import { Transactions } from 'src/database/transactions';
import type { SecondFactor, VerifyOutcome } from 'src/two-factor/second-factor';
import { UsersService } from 'src/users/users.service';
import { TemporaryCodeAnswerDto } from './temporary-access-code.dto';
import { TemporaryAccessCode } from './temporary-access-code.entity';

/** Crockford-like, as recovery codes: nothing to misread over the phone. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 12;

/**
 * H3: the support desk's remedy for a locked-out user (a "temporary access pass"). Not a method:
 * it stands in for one at a single sign-in, after which the user must set up a new method.
 */
@Injectable()
export class TemporaryAccessCodesService implements SecondFactor<TemporaryCodeAnswerDto> {
  static readonly method = 'temporary';
  readonly name = TemporaryAccessCodesService.method;
  readonly label = 'temporary access code';
  readonly answerType = TemporaryCodeAnswerDto;

  constructor(
    @InjectRepository(TemporaryAccessCode) private readonly codes: Repository<TemporaryAccessCode>,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly transactions: Transactions,
    private readonly users: UsersService,
  ) {}

  /** A new code for the user, shown once (about 59 bits); any earlier one stops working. */
  async issue(userId: string, issuedBy: string): Promise<{ code: string; expiresAt: Date }> {
    const chars = this.crypto.randomString(ALPHABET, LENGTH);
    const expiresAt = new Date(this.clock.now().getTime() + LIMITS.temporaryAccessCode.lifetimeMs);
    await this.transactions.run(async (manager) => {
      // Under the user row's lock, as a change of methods: two codes issued at once for one user
      // take turns instead of deadlocking on the gap their DELETE and INSERT both lock.
      await this.users.lockForChange(manager, userId);
      await manager.delete(TemporaryAccessCode, { userId });
      await manager.insert(
        TemporaryAccessCode,
        manager.create(TemporaryAccessCode, {
          userId,
          codeHash: this.crypto.hash(chars),
          issuedBy,
          expiresAt,
          usedAt: null,
        }),
      );
    });
    return { code: chars.match(/.{4}/g)!.join('-'), expiresAt };
  }

  /** Asked for only when the user says they have one. */
  start(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  /**
   * Single use within its hour, decided by one conditional UPDATE: of two parallel sign-ins
   * with the code, one matches a row still unused. Bound to the user by the WHERE clause.
   */
  async verify(
    userId: string,
    _challengeId: string,
    { code }: TemporaryCodeAnswerDto,
  ): Promise<VerifyOutcome> {
    const now = this.clock.now();
    const used = await sqlAffected(
      this.codes.manager,
      `UPDATE temporary_access_codes SET usedAt = ?
        WHERE userId = ? AND codeHash = ? AND usedAt IS NULL AND expiresAt > ?`,
      [now, userId, this.crypto.hash(code.replace(/-/g, '')), now],
    );
    return used === 1 ? 'accepted' : 'invalid';
  }

  /** Never a method in force: it only opens the way to setting one up. */
  isEnabled(): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** A reset voids an unused code too. */
  async remove(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(TemporaryAccessCode, { userId });
  }
}
