import { Injectable } from '@nestjs/common';
import { challengeExpired, TokensService } from 'src/access/tokens.service';
import { AuditService } from 'src/audit/audit.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { Language } from 'src/common/languages';
import type { ClientInfo } from 'src/common/http/client-info';
import { Transactions } from 'src/database/transactions';
import { DevicesService } from 'src/devices/devices.service';
import { MailService } from 'src/mail/mail.service';
import type { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import {
  promptFields,
  type ChallengeDto,
  type MethodSwitchedDto,
  type VerifyChallengeDto,
} from 'src/two-factor/two-factor.dto';
import { methodsOf, type TwoFactorMethod } from 'src/two-factor/factor-registry';
import type { ChallengeAnswer } from 'src/two-factor/second-factor';
import { PasswordService } from 'src/users/password.service';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import { AccessService } from './access.service';
import type { SetupRequiredDto, TemporaryCodeVerifyDto } from './auth.dto';
import { ChallengesService } from './challenges.service';

export type LoginAnswer = SessionDto | ChallengeDto | SetupRequiredDto;

/** Signing in: the password, then the second factor, a trusted device, or a method to set up. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly tokens: TokensService,
    private readonly access: AccessService,
    private readonly sessions: SessionsService,
    private readonly challenges: ChallengesService,
    private readonly devices: DevicesService,
    private readonly audit: AuditService,
    private readonly transactions: Transactions,
    private readonly mail: MailService,
  ) {}

  /** P3: unknown email, wrong password and disabled user cost one hash each and answer alike. */
  async validateCredentials(email: string, password: string, client: ClientInfo): Promise<User> {
    const user = await this.users.findByEmail(email);
    const matches = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !matches || user.disabledAt !== null) {
      await this.audit.record({ type: 'login.failed', user, client });
      throw new AppException(ErrorCode.INVALID_CREDENTIALS, 'Invalid email or password');
    }
    await this.audit.record({ type: 'login.succeeded', user, factor: 'password', client });
    return user;
  }

  /**
   * After the password: a trusted device of this user skips the second factor (D3, D5), except
   * for platform staff (H1); a user
   * with methods gets a challenge; one without, under a mandatory policy, a setup token.
   * `language`, when the client said one, becomes the user's: this sign-in's mails use it.
   */
  async continueLogin(
    user: User,
    deviceToken: string | undefined,
    language?: Language,
  ): Promise<LoginAnswer> {
    if (language && language !== user.locale) {
      await this.users.setLocale(user.id, language);
      user.locale = language;
    }
    try {
      return await this.answerLogin(user, deviceToken);
    } catch (error) {
      if (!(error instanceof AppException && error.code === ErrorCode.METHOD_NOT_ENABLED)) {
        throw error;
      }
      // The user was read before the password hash; a method removed meanwhile must not fail
      // the login: answer from the methods as they are now.
      const current = await this.users.findWithAccount(user.id);
      if (!current) throw error;
      return this.answerLogin(current, deviceToken);
    }
  }

  private async answerLogin(user: User, deviceToken: string | undefined): Promise<LoginAnswer> {
    const methods = methodsOf(user);
    if (methods.length === 0) {
      if (!(await this.access.lacksRequiredMethod(user, methods))) {
        return this.sessions.start(user, 'password');
      }
      return this.setupRequired(user);
    }
    // H1: platform staff always give the second factor; a remembered device never spares them.
    const device =
      deviceToken && !user.platformRole ? await this.devices.recognise(user.id, deviceToken) : null;
    if (device) return this.sessions.start(user, 'trusted_device', device.id);

    const started = await this.challenges.start(user, methods);
    return {
      status: 'two_factor_required',
      challengeToken: this.tokens.signChallenge({
        sub: user.id,
        sv: user.sessionVersion,
        cid: started.challengeId,
      }),
      method: started.method,
      methods: started.methods,
      ...promptFields(started.method, started.prompt),
    };
  }

  /**
   * S2: the challenge token is spent on a new session, never upgraded into one. The answer's
   * attempts, its decision and the session commit together (one transaction on MariaDB/MySQL);
   * a trusted device, which mails its owner, is added after.
   */
  async verifySecondFactor(input: VerifyChallengeDto, client: ClientInfo): Promise<SessionDto> {
    const { user, challengeId } = await this.challengeOf(input.challengeToken);
    const decided = await this.transactions.atomically(async () => {
      const verdict = await this.challenges.verify(
        user,
        challengeId,
        answerOf(input),
        input.method,
        client,
      );
      if (verdict.refusal || input.rememberDevice) return { verdict };
      return { verdict, session: await this.sessions.start(user, 'second_factor') };
    });
    const { verdict, session } = decided;
    if (verdict.refusal) throw verdict.refusal;
    await this.challenges.afterAccepted(user, verdict.accepted);
    if (session) return session;
    const { token, device } = await this.devices.register(user, input.deviceName, client);
    return { ...(await this.sessions.start(user, 'second_factor', device.id)), deviceToken: token };
  }

  /**
   * H3: a temporary access code from the support desk passes this user's second step once; the
   * answer is not a session but the setup of a new method, as under a mandatory policy.
   */
  async verifyTemporaryCode(
    input: TemporaryCodeVerifyDto,
    client: ClientInfo,
  ): Promise<SetupRequiredDto> {
    const { user, challengeId } = await this.challengeOf(input.challengeToken);
    const verdict = await this.transactions.atomically(() =>
      this.challenges.verify(user, challengeId, { code: input.code }, 'temporary', client),
    );
    if (verdict.refusal) throw verdict.refusal;
    await this.mail.sendTemporaryCodeUsed(user);
    return this.setupRequired(user, 'temporary');
  }

  private async setupRequired(
    user: User,
    openedBy: 'temporary' | null = null,
  ): Promise<SetupRequiredDto> {
    const { challengeId, methods } = await this.challenges.startSetup(user.id, openedBy);
    return {
      status: 'two_factor_setup_required',
      setupToken: this.tokens.signSetup({
        sub: user.id,
        sv: user.sessionVersion,
        cid: challengeId,
      }),
      methods,
    };
  }

  async switchMethod(challengeToken: string, method: TwoFactorMethod): Promise<MethodSwitchedDto> {
    const { user, challengeId } = await this.challengeOf(challengeToken);
    return this.challenges.switchMethod(user, challengeId, method);
  }

  async resendCode(challengeToken: string): Promise<void> {
    const { user, challengeId } = await this.challengeOf(challengeToken);
    await this.challenges.resend(user.id, challengeId);
  }

  /** S7: a challenge ends with the session version (password change, reset, logout everywhere). */
  private async challengeOf(challengeToken: string): Promise<{ user: User; challengeId: string }> {
    const claims = this.tokens.verifyChallenge(challengeToken);
    const user = await this.users.findWithAccount(claims.sub);
    if (!user || user.disabledAt !== null || user.sessionVersion !== claims.sv) {
      throw challengeExpired();
    }
    return { user, challengeId: claims.cid };
  }
}

/** The answer's own fields, for the factor's DTO to validate: the ones the client sent. */
function answerOf(input: VerifyChallengeDto): ChallengeAnswer {
  const answer: ChallengeAnswer = {};
  if (input.code !== undefined) answer.code = input.code;
  if (input.response !== undefined) answer.response = input.response;
  return answer;
}
