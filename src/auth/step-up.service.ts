import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { TokensService } from 'src/access/tokens.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { LIMITS } from 'src/config/limits';
import { Transactions } from 'src/database/transactions';
import type { ChallengeAnswer } from 'src/two-factor/second-factor';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import type { StepUpDto, StepUpProofDto, StepUpStartedDto } from './auth.dto';
import { ChallengesService } from './challenges.service';

/**
 * H2: a second factor given again inside a session, for actions that need one given just now.
 * It runs as a login's challenge does (same factors, attempts, lockout and audit) and answers a
 * proof bound to the session that lasts 5 minutes.
 */
@Injectable()
export class StepUpService {
  constructor(
    private readonly users: UsersService,
    private readonly challenges: ChallengesService,
    private readonly tokens: TokensService,
    private readonly transactions: Transactions,
  ) {}

  /** The methods (and recovery codes) the caller can step up with. */
  async factorsOf(caller: Principal): Promise<string[]> {
    return this.challenges.stepUpFactors(await this.userOf(caller));
  }

  async start(caller: Principal, method: string): Promise<StepUpStartedDto> {
    const started = await this.challenges.startWith(await this.userOf(caller), method);
    return { stepUpId: started.challengeId, method: started.method, challenge: started.prompt };
  }

  async verify(caller: Principal, input: StepUpDto, client: ClientInfo): Promise<StepUpProofDto> {
    const answer: ChallengeAnswer = {};
    if (input.code !== undefined) answer.code = input.code;
    if (input.response !== undefined) answer.response = input.response;
    const user = await this.userOf(caller);
    // As at sign-in: the attempts a refusal took commit with it (AuthService.verifySecondFactor).
    const verdict = await this.transactions.atomically(() =>
      this.challenges.verify(user, input.stepUpId, answer, input.method, client),
    );
    if (verdict.refusal) throw verdict.refusal;
    await this.challenges.afterAccepted(user, verdict.accepted);
    return {
      stepUpToken: this.tokens.signStepUp({ sub: caller.userId, sid: caller.sessionId }),
      expiresIn: LIMITS.stepUp.lifetimeMs / 1000,
    };
  }

  /** H2: refuses unless `token` proves a second factor given in this session within 5 minutes. */
  require(caller: Principal, token: string): void {
    if (!this.tokens.isStepUpFor(token, { sub: caller.userId, sid: caller.sessionId })) {
      throw new AppException(
        ErrorCode.STEP_UP_REQUIRED,
        'Give your second factor again first (POST /api/auth/step-up); a proof lasts 5 minutes',
      );
    }
  }

  private async userOf(caller: Principal): Promise<User> {
    const user = await this.users.findWithAccount(caller.userId);
    if (!user) throw new AppException(ErrorCode.UNAUTHENTICATED, 'The session has ended');
    return user;
  }
}
