import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { AuditService } from 'src/audit/audit.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { validateBody } from 'src/common/http/validation';
import { MailService } from 'src/mail/mail.service';
import type { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import { FactorRegistry } from 'src/two-factor/factor-registry';
import { TwoFactorService } from 'src/two-factor/two-factor.service';
import { UsersService } from 'src/users/users.service';
import { ChallengesService, setupSpent } from './challenges.service';
import { PasswordGate } from './password-gate.service';

/** The `status` of a confirmation answered with the method itself rather than a session. */
export const METHOD_ENABLED = 'method_enabled';

/** What a setup route answers: the method's own payload, and the status code it asked for. */
export interface SetupAnswer {
  status: number;
  body: object;
}

/**
 * Setting up any registered method: begin after the password (P6) or with a setup token,
 * confirm with the method's response. The payloads are validated with the method's own DTOs
 * (400 VALIDATION_FAILED, nothing changed); confirming with a setup token answers the session
 * its sign-in was waiting for.
 */
@Injectable()
export class MethodSetupService {
  constructor(
    private readonly factors: FactorRegistry,
    private readonly twoFactor: TwoFactorService,
    private readonly gate: PasswordGate,
    private readonly users: UsersService,
    private readonly challenges: ChallengesService,
    private readonly sessions: SessionsService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  async begin(
    caller: Principal,
    methodName: string,
    body: unknown,
    client: ClientInfo,
  ): Promise<SetupAnswer> {
    const method = this.factors.method(methodName);
    const input = await validateBody(method.api.begin.body, body);
    const user = await this.gate.pass(caller, input.password, client);
    const answer = await method.beginSetup({ id: user.id, email: user.email }, input);
    return { status: method.api.begin.status, body: answer };
  }

  resend(caller: Principal, methodName: string): Promise<void> {
    const method = this.factors.method(methodName);
    if (!method.resendSetup) {
      throw new AppException(ErrorCode.NOT_FOUND, `The ${methodName} method sends no setup code`);
    }
    return method.resendSetup(caller.userId);
  }

  /** The method's row and the user's list of methods change in one transaction. */
  async confirm(
    caller: Principal,
    methodName: string,
    body: unknown,
    client: ClientInfo,
  ): Promise<object | SessionDto> {
    const method = this.factors.method(methodName);
    const input = await validateBody(method.api.confirm.body, body);
    const { answer, enable } = await method.confirmSetup(caller.userId, input);
    await this.twoFactor.changeMethods(caller.userId, { apply: enable });
    const user = await this.users.findWithAccount(caller.userId);
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    await this.audit.record({
      type: 'two_factor.method_enabled',
      user,
      factor: method.name,
      client,
    });
    await this.mail.sendMethodEnabled(user, method);
    // `status` tells this answer from a session's (`authenticated`), as the document's discriminator says.
    if (caller.tokenKind !== 'setup') return { status: METHOD_ENABLED, ...answer };
    // S7: a setup token's first method completes its sign-in with a full session, once.
    if (!(await this.challenges.complete(caller.sessionId))) throw setupSpent();
    return this.sessions.start(user, 'second_factor');
  }
}
