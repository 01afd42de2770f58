import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { StepUpService } from 'src/auth/step-up.service';
import { Clock } from 'src/common/clock';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { LIMITS } from 'src/config/limits';
import { PolicyService } from 'src/policy/policy.service';
import { AttemptLimiter } from 'src/rate-limit/attempt-limiter.service';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import type {
  LookupUserDto,
  SupportActionDto,
  SupportActionResultDto,
  SupportUserStatusDto,
} from './support.dto';
import { SupportActionsService } from './support-actions.service';
import type { SupportAction, SupportRequest } from './support-request.entity';
import { SupportRequestsService } from './support-requests.service';
import { mayActOn, SupportStatusService } from './support-status.service';

const LIMIT = LIMITS.supportActions;

/**
 * H2, H4: the support desk for platform staff. Every call carries a fresh step-up and counts
 * toward the caller's hourly limit; every action carries a reason and a ticket, is written to
 * the platform's trail and the account's, and is mailed to the user and the administrators.
 * An account that requires approval gets a pending request instead of the action.
 */
@Injectable()
export class SupportDeskService {
  constructor(
    private readonly stepUp: StepUpService,
    private readonly limiter: AttemptLimiter,
    private readonly users: UsersService,
    private readonly policy: PolicyService,
    private readonly requests: SupportRequestsService,
    private readonly status: SupportStatusService,
    private readonly actions: SupportActionsService,
    private readonly clock: Clock,
  ) {}

  /** By exact address only: support never browses an account's users. */
  lookup(caller: Principal, input: LookupUserDto, client: ClientInfo) {
    return this.guarded(caller, input.stepUpToken, async (): Promise<SupportUserStatusDto> => {
      const target = await this.users.findByEmail(input.email);
      if (!target) throw noSuchUser();
      await this.actions.record(
        await this.requests.create(this.newRequest(caller, target, 'lookup', input, 'done')),
        'done',
        caller.userId,
        client,
      );
      return this.status.of(target, caller);
    });
  }

  act(
    caller: Principal,
    userId: string,
    action: Exclude<SupportAction, 'lookup'>,
    input: SupportActionDto,
    client: ClientInfo,
  ) {
    return this.guarded(caller, input.stepUpToken, async (): Promise<SupportActionResultDto> => {
      const target = await this.actionable(caller, userId);
      if (await this.policy.requiresSupportApproval(target.accountId)) {
        const request = await this.requests.create(
          this.newRequest(caller, target, action, input, 'pending'),
        );
        await this.actions.record(request, 'pending', caller.userId, client);
        await this.actions.notify(request, target, 'pending');
        return { requestId: request.id, status: 'pending' };
      }
      const request = await this.requests.create(
        this.newRequest(caller, target, action, input, 'done'),
      );
      return this.carry(request, target, caller, client);
    });
  }

  /** Once an administrator approved it, the support person who asked carries it out, once. */
  carryOut(caller: Principal, requestId: string, stepUpToken: string, client: ClientInfo) {
    return this.guarded(caller, stepUpToken, async (): Promise<SupportActionResultDto> => {
      const request = await this.requests.findOne({ id: requestId, supportUserId: caller.userId });
      if (!request) throw new AppException(ErrorCode.NOT_FOUND, 'No such support request');
      const target = await this.actionable(caller, request.targetUserId);
      if (!(await this.requests.claimApproved(request.id, caller.userId))) {
        throw supportRequestClosed();
      }
      return this.carry(request, target, caller, client);
    });
  }

  private async carry(
    request: SupportRequest,
    target: User,
    caller: Principal,
    client: ClientInfo,
  ): Promise<SupportActionResultDto> {
    const result = await this.actions.perform(request, target, client);
    await this.actions.record(request, 'done', caller.userId, client);
    await this.actions.notify(request, target, 'done');
    return { requestId: request.id, status: 'done', ...result };
  }

  private async actionable(caller: Principal, userId: string): Promise<User> {
    const target = await this.users.findWithAccount(userId);
    if (!target) throw noSuchUser();
    if (!mayActOn(caller, target)) {
      throw new AppException(
        ErrorCode.FORBIDDEN,
        'Only privileged support may act on an account administrator or on platform staff, and nobody on themself',
      );
    }
    return target;
  }

  /**
   * A fresh step-up first (nothing counted without one), then one of the caller's attempts,
   * reserved by the limiter's conditional UPDATE and counted whatever the call answers, so that
   * unknown addresses cost as much as known ones.
   */
  private async guarded<T>(
    caller: Principal,
    stepUpToken: string,
    work: () => Promise<T>,
  ): Promise<T> {
    this.stepUp.require(caller, stepUpToken);
    const reservation = await this.limiter.reserve('support_action', caller.userId, LIMIT, 'free');
    if (!reservation.granted) {
      throw new AppException(
        ErrorCode.TOO_MANY_REQUESTS,
        `Too many support actions this hour; try again in ${reservation.retryAfterSeconds} s`,
        { retryAfter: reservation.retryAfterSeconds },
      );
    }
    try {
      return await work();
    } finally {
      await this.limiter.settle('support_action', caller.userId, LIMIT, true);
    }
  }

  private newRequest(
    caller: Principal,
    target: User,
    action: SupportAction,
    input: SupportActionDto,
    status: 'pending' | 'done',
  ) {
    return {
      action,
      status,
      supportUserId: caller.userId,
      supportEmail: caller.email,
      targetUserId: target.id,
      accountId: target.accountId,
      reason: input.reason,
      ticket: input.ticket,
      expiresAt:
        status === 'pending'
          ? new Date(this.clock.now().getTime() + LIMITS.supportRequest.lifetimeMs)
          : null,
    };
  }
}

function noSuchUser(): AppException {
  return new AppException(ErrorCode.NOT_FOUND, 'No such user');
}

export function supportRequestClosed(): AppException {
  return new AppException(
    ErrorCode.SUPPORT_REQUEST_CLOSED,
    'This support request is not waiting for this step (decided, carried out or expired)',
  );
}
