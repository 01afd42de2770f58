import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { sqlAffected, sqlDate, sqlRows } from 'src/database/sql';
import type {
  ChallengePrompt,
  CredentialStatus,
  MethodApi,
  SecondFactorMethod,
  SetupConfirmation,
  SetupUser,
  VerifyOutcome,
} from 'src/two-factor/second-factor';
import {
  BeginFakeSetupDto,
  ConfirmFakeSetupDto,
  FakeAnswerDto,
  FakeCreationOptionsDto,
  FakeEnabledDto,
  FakeStatusDto,
} from './fake-factor.dto';

/**
 * A fourth method that lives only in this folder and reaches the product through
 * `TwoFactorModule.withExtraFactors` alone: several named credentials and JSON payloads, as
 * passkeys will have. Its "authenticator" signs by echoing the challenge it was given, and it
 * keeps its state in memory, which is enough to show the product takes it everywhere.
 */
/**
 * A fourth method that lives only in this folder and reaches the product through
 * `TwoFactorModule.withExtraFactors` alone: several named credentials and JSON payloads, as
 * passkeys will have. Its "authenticator" signs by echoing the challenge it was given. Its
 * credentials are rows of its own table, changed in the product's transactions; what waits
 * for an answer is kept in memory.
 */
@Injectable()
export class FakeFactorService implements SecondFactorMethod<FakeAnswerDto>, OnModuleInit {
  static readonly method = 'fake-otp';
  readonly name = FakeFactorService.method;
  readonly label = 'fake keys';
  readonly answerType = FakeAnswerDto;
  readonly api: MethodApi = {
    begin: {
      operationId: 'beginFakeSetup',
      body: BeginFakeSetupDto,
      status: 200,
      answer: FakeCreationOptionsDto,
    },
    confirm: { operationId: 'confirmFakeSetup', body: ConfirmFakeSetupDto, answer: FakeEnabledDto },
    remove: { operationId: 'removeFakeMethod' },
    removeCredential: { operationId: 'removeFakeCredential' },
    status: FakeStatusDto,
  };

  private readonly pendingSetups = new Map<string, { challenge: string; name: string }>();
  private readonly loginChallenges = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** A test-only table: what a real method's entity and migration would be. */
  async onModuleInit(): Promise<void> {
    await this.dataSource.query(`CREATE TABLE IF NOT EXISTS fake_credentials (
      id varchar(36) NOT NULL PRIMARY KEY, userId varchar(36) NOT NULL, name varchar(60) NOT NULL,
      createdAt datetime NOT NULL, lastUsedAt datetime NULL)`);
  }

  beginSetup(user: SetupUser, input: BeginFakeSetupDto): Promise<FakeCreationOptionsDto> {
    const challenge = randomBytes(16).toString('base64url');
    this.pendingSetups.set(user.id, { challenge, name: input.name });
    return Promise.resolve({ challenge });
  }

  confirmSetup(userId: string, input: ConfirmFakeSetupDto): Promise<SetupConfirmation> {
    const pending = this.pendingSetups.get(userId);
    if (!pending || pending.challenge !== input.response.challenge) {
      return Promise.reject(new AppException(ErrorCode.INVALID_CODE, 'Not this setup’s challenge'));
    }
    this.pendingSetups.delete(userId);
    const id = randomUUID();
    const answer: FakeEnabledDto = { credentialId: id };
    return Promise.resolve({
      answer,
      enable: async (manager) => {
        await sqlAffected(
          manager,
          'INSERT INTO fake_credentials (id, userId, name, createdAt) VALUES (?, ?, ?, ?)',
          [id, userId, pending.name, this.clock.now()],
        );
      },
    });
  }

  async status(userId: string): Promise<FakeStatusDto> {
    const credentials = await this.credentials(this.dataSource.manager, userId);
    return { enabled: credentials.length > 0, credentials };
  }

  /** Request options bound to this challenge, as WebAuthn's are. */
  async start(userId: string, challengeId: string): Promise<ChallengePrompt> {
    const challenge = randomBytes(16).toString('base64url');
    this.loginChallenges.set(challengeId, challenge);
    const credentials = await this.credentials(this.dataSource.manager, userId);
    return { options: { challenge, allowCredentials: credentials.map(({ id }) => id) } };
  }

  /** One assertion per challenge: the second use of one is a replay. */
  async verify(
    userId: string,
    challengeId: string,
    { response }: FakeAnswerDto,
  ): Promise<VerifyOutcome> {
    const expected = this.loginChallenges.get(challengeId);
    if (!expected) return 'replayed';
    if (expected !== response.challenge) return 'invalid';
    const used = await sqlAffected(
      this.dataSource.manager,
      'UPDATE fake_credentials SET lastUsedAt = ? WHERE id = ? AND userId = ?',
      [this.clock.now(), response.credentialId, userId],
    );
    if (used !== 1) return 'invalid';
    this.loginChallenges.delete(challengeId);
    return 'accepted';
  }

  async isEnabled(manager: EntityManager, userId: string): Promise<boolean> {
    return (await this.credentials(manager, userId)).length > 0;
  }

  async remove(manager: EntityManager, userId: string): Promise<void> {
    await sqlAffected(manager, 'DELETE FROM fake_credentials WHERE userId = ?', [userId]);
  }

  async removeCredential(
    manager: EntityManager,
    userId: string,
    credentialId: string,
  ): Promise<boolean> {
    const removed = await sqlAffected(
      manager,
      'DELETE FROM fake_credentials WHERE id = ? AND userId = ?',
      [credentialId, userId],
    );
    return removed === 1;
  }

  private async credentials(manager: EntityManager, userId: string): Promise<CredentialStatus[]> {
    const rows = await sqlRows<{
      id: string;
      name: string;
      createdAt: Date | string;
      lastUsedAt: Date | string | null;
    }>(
      manager,
      'SELECT id, name, createdAt, lastUsedAt FROM fake_credentials WHERE userId = ? ORDER BY createdAt, id',
      [userId],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: sqlDate(row.createdAt),
      lastUsedAt: row.lastUsedAt === null ? null : sqlDate(row.lastUsedAt),
    }));
  }
}
