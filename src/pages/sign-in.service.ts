import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { TokensService } from 'src/access/tokens.service';
import { AccessService } from 'src/auth/access.service';
import { TemporaryCodeVerifyDto } from 'src/auth/auth.dto';
import { AuthService, type LoginAnswer } from 'src/auth/auth.service';
import { ChallengesService } from 'src/auth/challenges.service';
import { PasskeySignInService } from 'src/auth/passkey-sign-in.service';
import { passkeyResponseOf } from 'src/common/browser/passkey-answer';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { AppException } from 'src/common/errors/app.exception';
import type { ClientInfo } from 'src/common/http/client-info';
import type { Language } from 'src/common/languages';
import { validateBody } from 'src/common/http/validation';
import type { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import { RecoveryCodesService } from 'src/two-factor/recovery/recovery-codes.service';
import { VerifyChallengeDto } from 'src/two-factor/two-factor.dto';
import { UsersService } from 'src/users/users.service';
import type { PageState, SignInStep } from './page-session';
import type { ChallengeCodeForm, PasskeyResponseForm, SignInForm } from './pages.forms';

type Challenge = Extract<SignInStep, { kind: 'challenge' }>;

/**
 * Sign-in through the pages: each step is the API's own (AuthService, the same limits, lockout,
 * audit and mails); the page session holds what a client would hold between the steps.
 */
@Injectable()
export class PageSignInService {
  constructor(
    private readonly auth: AuthService,
    private readonly passkeySignIn: PasskeySignInService,
    private readonly access: AccessService,
    private readonly challenges: ChallengesService,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly crypto: CryptoService,
    private readonly users: UsersService,
  ) {}

  /**
   * The password, then a trusted device, a challenge, or a method to set up. The page's language
   * becomes the user's, so the code mailed next is in it.
   */
  async password(
    state: PageState,
    form: SignInForm,
    deviceToken: string | undefined,
    client: ClientInfo,
    language: Language,
  ): Promise<void> {
    const user = await this.auth.validateCredentials(form.email, form.password, client);
    this.follow(state, await this.auth.continueLogin(user, deviceToken, language));
  }

  /** The language switch: this browser's pages, and a signed-in user's mails. */
  async chooseLanguage(state: PageState, language: Language, principal?: Principal): Promise<void> {
    state.language = language;
    if (principal) await this.users.setLocale(principal.userId, language);
  }

  /**
   * Answers the trusted-device token when the user asked to be remembered here. A temporary
   * access code leads to the setup of a new method instead of a session (H3).
   */
  async verify(
    state: PageState,
    step: Challenge,
    form: ChallengeCodeForm,
    client: ClientInfo,
  ): Promise<string | undefined> {
    if (step.temporary) {
      const temporary = await validateBody(TemporaryCodeVerifyDto, {
        challengeToken: this.crypto.decrypt(step.sealedToken),
        code: form.code,
      });
      this.follow(state, await this.auth.verifyTemporaryCode(temporary, client));
      return undefined;
    }
    const input = await validateBody(VerifyChallengeDto, {
      challengeToken: this.crypto.decrypt(step.sealedToken),
      ...(form.response === undefined
        ? { code: form.code ?? '' }
        : { response: passkeyResponseOf(form.response) }),
      ...(step.recovery ? { method: 'recovery' } : {}),
      rememberDevice: form.remember === 'on',
    });
    const session = await this.auth.verifySecondFactor(input, client);
    this.signedIn(state, session);
    return session.deviceToken;
  }

  /**
   * Signing in with a passkey alone (W4): the API's passwordless sign-in, with its lockout, limits
   * and the account's switch.
   */
  async passwordless(
    state: PageState,
    form: PasskeyResponseForm,
    client: ClientInfo,
  ): Promise<void> {
    const session = await this.passkeySignIn.signIn(
      { response: passkeyResponseOf(form.response) },
      client,
    );
    this.signedIn(state, session);
  }

  /**
   * "Use another authentication method": another method sends its code or its passkey options;
   * a recovery code asks nothing.
   */
  async switchMethod(step: Challenge, method: string): Promise<Challenge> {
    if (method === 'recovery') return { ...step, recovery: true, temporary: false };
    if (method === 'temporary') return { ...step, recovery: false, temporary: true };
    const switched = await this.auth.switchMethod(this.crypto.decrypt(step.sealedToken), method);
    const { hint, options } = switched.challenge ?? {};
    return { ...step, method: switched.method, hint, options, recovery: false, temporary: false };
  }

  resend(step: Challenge): Promise<void> {
    return this.auth.resendCode(this.crypto.decrypt(step.sealedToken));
  }

  /** B2: when the user of this sign-in may try codes again, if they are locked out. */
  async lockedUntil(step: Challenge): Promise<Date | null> {
    const claims = await refused(() =>
      Promise.resolve().then(() =>
        this.tokens.verifyChallenge(this.crypto.decrypt(step.sealedToken)),
      ),
    );
    return claims ? this.challenges.lockedUntil(claims.sub) : null;
  }

  /** A setup token's sign-in, as the API guard would let it in (S7): null once it is spent. */
  async setupPrincipal(sealedToken: string): Promise<Principal | null> {
    const principal = await refused(() =>
      this.access.authenticate(this.crypto.decrypt(sealedToken)),
    );
    return principal?.tokenKind === 'setup' ? principal : null;
  }

  /** The session a sign-in opened, as the API guard resumes it: null once it has ended (U1). */
  resume(state: PageState): Promise<Principal | null> {
    const claims = state.access;
    return claims ? refused(() => this.access.resume(claims)) : Promise.resolve(null);
  }

  /** Sign-out ends the product session the pages held, as the API's logout does. */
  async signOut(state: PageState): Promise<void> {
    if (state.access) await this.sessions.end(state.access.sid);
  }

  /** The session a setup's first method answered. */
  signedIn(state: PageState, session: SessionDto): void {
    delete state.step;
    state.access = this.tokens.accessClaimsOf(session.accessToken);
  }

  private follow(state: PageState, answer: LoginAnswer): void {
    if (answer.status === 'two_factor_required') {
      const { challengeToken, method, methods } = answer;
      state.step = {
        kind: 'challenge',
        sealedToken: this.crypto.encrypt(challengeToken),
        method,
        methods,
        hint: answer.challenge?.hint,
        options: answer.challenge?.options,
        // None of the user's methods can be asked now (one turned off): a recovery code can.
        recovery: method === RecoveryCodesService.method,
      };
    } else if (answer.status === 'two_factor_setup_required') {
      state.step = { kind: 'setup', sealedToken: this.crypto.encrypt(answer.setupToken) };
    } else {
      this.signedIn(state, answer);
    }
  }
}

/** The product's refusal means "not (any more)"; anything else (the database gone) is an error. */
async function refused<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppException) return null;
    throw error;
  }
}
