import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { sqlAffected, sqlRows } from 'src/database/sql';
import { invalidCode } from 'src/two-factor/email/one-time-codes.service';
import { CodeDto, OptionalPasswordDto } from 'src/two-factor/method-payloads.dto';
import type {
  MethodApi,
  SecondFactorMethod,
  SetupConfirmation,
  SetupUser,
  VerifyOutcome,
} from 'src/two-factor/second-factor';
import { TotpFactor } from './totp-factor.entity';
import { TotpEnabledDto, TotpEnrolmentDto, TotpStatusDto } from './totp.dto';
import { TotpService } from './totp.service';

/** T5: a step is accepted once; the conditional UPDATE that stores it decides. */
const NEWER_STEP = '(lastUsedStep IS NULL OR lastUsedStep < ?)';

/** The authenticator-app factor: enrolment, replacement, and codes at login. */
@Injectable()
export class TotpFactorService implements SecondFactorMethod<CodeDto> {
  static readonly method = 'totp';
  readonly name = TotpFactorService.method;
  readonly label = 'authenticator app';
  readonly answerType = CodeDto;
  static readonly api: MethodApi = {
    begin: {
      operationId: 'startTotpEnrolment',
      body: OptionalPasswordDto,
      status: 201,
      answer: TotpEnrolmentDto,
      description:
        'SHA1, 6 digits, 30 s. Also "set up a new authenticator app": the old one works until this one is confirmed.',
    },
    confirm: { operationId: 'confirmTotpEnrolment', body: CodeDto, answer: TotpEnabledDto },
    remove: { operationId: 'removeTotpMethod' },
    status: TotpStatusDto,
  };
  readonly api = TotpFactorService.api;

  constructor(
    @InjectRepository(TotpFactor) private readonly factors: Repository<TotpFactor>,
    private readonly totp: TotpService,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  find(userId: string): Promise<TotpFactor | null> {
    return this.factors.findOne({ where: { userId } });
  }

  /** A new pending secret; an app already in force keeps working until this one is confirmed (T6). */
  async beginSetup(user: SetupUser): Promise<TotpEnrolmentDto> {
    const userId = user.id;
    const secret = this.totp.generateSecret();
    const sealed = this.crypto.encrypt(secret);
    // One row per user: create it if missing (parallel enrolments may race here), then update.
    await this.factors
      .createQueryBuilder()
      .insert()
      .into(TotpFactor)
      .values(this.factors.create({ userId, secret: null, pendingSecret: null }))
      .orIgnore()
      .execute();
    await this.factors.update({ userId }, { pendingSecret: sealed });
    const otpauthUrl = this.totp.otpauthUrl(this.config.productName, user.email, secret);
    return { secret, otpauthUrl, qrCode: await this.totp.qrCodeDataUrl(otpauthUrl) };
  }

  /** Checked inside the transaction that records the user's methods. */
  confirmSetup(userId: string, input: CodeDto): Promise<SetupConfirmation> {
    const answer: TotpEnabledDto = { enabled: true };
    return Promise.resolve({
      answer,
      enable: (manager) => this.promote(manager, userId, input.code),
    });
  }

  async status(userId: string): Promise<TotpStatusDto> {
    const factor = await this.find(userId);
    return { enabled: !!factor?.secret, configuredAt: factor?.secret ? factor.configuredAt : null };
  }

  /**
   * A code from the new app promotes the pending secret. The enrolment code's step becomes the
   * last used one (T5), in the same conditional UPDATE that checks nothing changed meanwhile.
   */
  private async promote(manager: EntityManager, userId: string, code: string): Promise<void> {
    const factor = await manager.findOneBy(TotpFactor, { userId });
    if (!factor?.pendingSecret) {
      throw new AppException(ErrorCode.NOTHING_PENDING, 'Start the authenticator setup first');
    }
    const step = this.matchStep(factor.pendingSecret, code, factor.lastUsedStep);
    if (step === null) throw invalidCode();
    const promoted = await sqlAffected(
      manager,
      `UPDATE totp_factors SET secret = ?, pendingSecret = NULL, lastUsedStep = ?, configuredAt = ?
        WHERE id = ? AND pendingSecret = ? AND ${NEWER_STEP}`,
      [factor.pendingSecret, step, this.clock.now(), factor.id, factor.pendingSecret, step],
    );
    if (promoted !== 1) throw invalidCode();
  }

  /** Nothing to send: the app shows the code. */
  start(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  /** At login: the active secret only; each step is accepted once, decided by the database (T5). */
  async verify(userId: string, _challengeId: string, { code }: CodeDto): Promise<VerifyOutcome> {
    const [factor] = await sqlRows<Pick<TotpFactor, 'id' | 'secret' | 'lastUsedStep'>>(
      this.factors.manager,
      'SELECT id, secret, lastUsedStep FROM totp_factors WHERE userId = ?',
      [userId],
    );
    if (!factor?.secret) return 'invalid';
    const step = this.matchStep(factor.secret, code, null);
    if (step === null) return 'invalid';
    if (factor.lastUsedStep !== null && step <= factor.lastUsedStep) return 'replayed';
    const advanced = await sqlAffected(
      this.factors.manager,
      `UPDATE totp_factors SET lastUsedStep = ? WHERE id = ? AND ${NEWER_STEP}`,
      [step, factor.id, step],
    );
    return advanced === 1 ? 'accepted' : 'replayed';
  }

  async isEnabled(manager: EntityManager, userId: string): Promise<boolean> {
    const factor = await manager.findOneBy(TotpFactor, { userId });
    return !!factor?.secret;
  }

  async remove(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(TotpFactor, { userId });
  }

  private matchStep(
    sealedSecret: string,
    code: string,
    lastUsedStep: number | null,
  ): number | null {
    return this.totp.verify(
      this.crypto.decrypt(sealedSecret),
      code,
      this.clock.now().getTime(),
      lastUsedStep,
    );
  }
}
