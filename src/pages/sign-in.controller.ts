import { Body, Controller, Get, HttpStatus, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/access/access.decorators';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { clientInfoOf } from 'src/common/http/client-info';
import { readCookie } from 'src/common/http/cookies';
import { LIMITS } from 'src/config/limits';
import { RateLimit } from 'src/rate-limit/rate-limit.decorator';
import { regenerateSession } from 'src/sessions/web-session.store';
import { FactorRegistry } from 'src/two-factor/factor-registry';
import { PasskeyService } from 'src/two-factor/passkey/passkey.service';
import { PageErrorsFilter } from './page-errors.filter';
import { PageRenderer, type PageError } from './page-renderer';
import { pageState, type PageRequest, type SignInStep } from './page-session';
import { PASSKEY_SCRIPT_PATHS } from 'src/common/browser/browser-scripts';
import {
  ChallengeCodeForm,
  LanguageForm,
  PasskeyResponseForm,
  SignInForm,
  SwitchMethodForm,
} from './pages.forms';
import { PageSignInService } from './sign-in.service';

/** The pages' own trusted-device cookie; only the sign-in steps read it. */
const DEVICE_COOKIE = 'gk_pages_device';
const SIGN_IN_PATH = '/sign-in';
const HOME = '/';
export const SIGNED_IN_HOME = '/account/security';

type Challenge = Extract<SignInStep, { kind: 'challenge' }>;

/**
 * Sign in at `/`: the password, then the second step for the method last used, with "Use another
 * authentication method", "Send me another code" and "Don't ask me again on this device". Each
 * POST answers a redirect (303) when it moved on, or the same screen with the refusal and its
 * status (401, 400, 429) when it did not.
 */
@ApiExcludeController()
@Public()
@UseFilters(PageErrorsFilter)
@Controller()
export class SignInController {
  constructor(
    private readonly signIn: PageSignInService,
    private readonly factors: FactorRegistry,
    private readonly renderer: PageRenderer,
  ) {}

  @Get()
  home(@Req() request: PageRequest, @Res() response: Response): void {
    if (request.pagePrincipal) return response.redirect(SIGNED_IN_HOME);
    const step = pageState(request).step;
    if (step?.kind === 'challenge') return this.showCode(request, response, step);
    this.showPassword(request, response);
  }

  @Post('sign-in')
  @RateLimit('login')
  async password(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Body() form: SignInForm,
  ): Promise<void> {
    const deviceToken = readCookie(request, DEVICE_COOKIE);
    await this.freshSession(request);
    try {
      const language = this.renderer.language(request);
      const client = clientInfoOf(request);
      await this.signIn.password(pageState(request), form, deviceToken, client, language);
    } catch (error) {
      return this.showPassword(request, response, this.renderer.refusal(request, error));
    }
    response.redirect(HttpStatus.SEE_OTHER, this.next(request));
  }

  /** "Sign in with a passkey": the passkey stands for the password and the second factor (W4). */
  @Post('sign-in/passwordless')
  @RateLimit('login')
  async passwordless(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Body() form: PasskeyResponseForm,
  ): Promise<void> {
    await this.freshSession(request);
    try {
      await this.signIn.passwordless(pageState(request), form, clientInfoOf(request));
    } catch (error) {
      const refusal = this.renderer.refusal(request, error);
      const refused = refusal.key === 'error.INVALID_CREDENTIALS';
      return this.showPassword(
        request,
        response,
        refused ? { ...refusal, key: 'error.PASSKEY_SIGN_IN' } : refusal,
      );
    }
    response.redirect(HttpStatus.SEE_OTHER, SIGNED_IN_HOME);
  }

  @Post('sign-in/code')
  @RateLimit('verify')
  async code(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Body() form: ChallengeCodeForm,
  ): Promise<void> {
    const step = this.challenge(request);
    let deviceToken: string | undefined;
    try {
      await this.freshSession(request);
      const state = pageState(request);
      deviceToken = await this.signIn.verify(state, step, form, clientInfoOf(request));
    } catch (error) {
      return this.codeRefused(request, response, step, error);
    }
    if (deviceToken) {
      response.cookie(DEVICE_COOKIE, deviceToken, {
        httpOnly: true,
        secure: request.secure,
        sameSite: 'strict',
        path: SIGN_IN_PATH,
        maxAge: LIMITS.trustedDevice.lifetimeMs,
      });
    }
    response.redirect(HttpStatus.SEE_OTHER, SIGNED_IN_HOME);
  }

  @Get('sign-in/methods')
  methods(@Req() request: PageRequest, @Res() response: Response): void {
    const step = pageState(request).step;
    if (step?.kind !== 'challenge') return response.redirect(HOME);
    this.renderer.render(request, response, 'methods', {
      titleKey: 'methods.title',
      methods: [...step.methods, 'recovery', 'temporary'].filter(
        (method) => method !== promptOf(step),
      ),
    });
  }

  @Post('sign-in/method')
  @RateLimit('method')
  async switchMethod(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Body() form: SwitchMethodForm,
  ): Promise<void> {
    const step = this.challenge(request);
    try {
      pageState(request).step = await this.signIn.switchMethod(step, form.method);
    } catch (error) {
      return this.codeRefused(request, response, step, error);
    }
    response.redirect(HttpStatus.SEE_OTHER, HOME);
  }

  @Post('sign-in/resend')
  @RateLimit('resend')
  async resend(@Req() request: PageRequest, @Res() response: Response): Promise<void> {
    const step = this.challenge(request);
    try {
      await this.signIn.resend(step);
    } catch (error) {
      return this.codeRefused(request, response, step, error);
    }
    pageState(request).notice = { key: 'notice.codeSent' };
    response.redirect(HttpStatus.SEE_OTHER, HOME);
  }

  /** "Start over", and sign-out: the product session ends, then the page session. */
  @Post('sign-out')
  async signOut(@Req() request: PageRequest, @Res() response: Response): Promise<void> {
    await this.signIn.signOut(pageState(request));
    await this.freshSession(request);
    pageState(request).notice = { key: 'notice.signedOut' };
    response.redirect(HttpStatus.SEE_OTHER, HOME);
  }

  /**
   * A form's address opened with GET (a reload after a refusal, the back button, a bookmark):
   * the sign-in page instead of a 404, and nothing done (A6).
   */
  @Get([
    SIGN_IN_PATH,
    'sign-in/passwordless',
    'sign-in/code',
    'sign-in/method',
    'sign-in/resend',
    'sign-out',
    'language',
  ])
  formAddress(@Res() response: Response): void {
    response.redirect(HttpStatus.SEE_OTHER, HOME);
  }

  @Get('help')
  help(@Req() request: PageRequest, @Res() response: Response): void {
    this.renderer.render(request, response, 'help', { titleKey: 'help.title' });
  }

  /** The language switch: this browser's pages, and the mails of the user signed in here. */
  @Post('language')
  async language(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Body() form: LanguageForm,
  ): Promise<void> {
    const principal = request.pagePrincipal;
    await this.signIn.chooseLanguage(pageState(request), form.language, principal);
    response.redirect(HttpStatus.SEE_OTHER, form.back ?? HOME);
  }

  private showPassword(request: PageRequest, response: Response, error?: PageError): void {
    const passkeys = this.factors.find(PasskeyService.method) !== undefined;
    this.renderer.render(request, response, 'sign-in', {
      titleKey: 'signIn.title',
      error,
      passkeys,
      scripts: passkeys ? PASSKEY_SCRIPT_PATHS : undefined,
    });
  }

  private showCode(
    request: PageRequest,
    response: Response,
    step: Challenge,
    error?: PageError,
  ): void {
    const prompt = promptOf(step);
    const passkey = prompt === PasskeyService.method && step.options !== undefined;
    this.renderer.render(request, response, 'code', {
      titleKey: 'code.title',
      // A passkey has no code: its refusal says so.
      error:
        passkey && error?.key === 'error.INVALID_CODE'
          ? { ...error, key: 'error.PASSKEY_REFUSED' }
          : error,
      prompt,
      hint: step.hint,
      passkeyOptions: passkey ? JSON.stringify(step.options) : undefined,
      scripts: passkey ? PASSKEY_SCRIPT_PATHS : undefined,
      codeLabel:
        prompt === 'recovery'
          ? 'code.recoveryLabel'
          : prompt === 'temporary'
            ? 'code.temporaryLabel'
            : 'code.label',
      numeric: prompt === step.method,
      canResend: prompt === 'email',
    });
  }

  /**
   * A wrong code keeps the step; a sign-in that is spent, expired or locked cannot go on and
   * goes back to the password, saying why (and, when locked, until when).
   */
  private async codeRefused(
    request: PageRequest,
    response: Response,
    step: Challenge,
    error: unknown,
  ): Promise<void> {
    const code = error instanceof AppException ? error.code : undefined;
    const lockedUntil =
      code === ErrorCode.TOO_MANY_ATTEMPTS ? await this.signIn.lockedUntil(step) : null;
    const refusal = this.renderer.refusal(request, error, lockedUntil);
    const state = pageState(request);
    if (code === ErrorCode.TOO_MANY_ATTEMPTS || code === ErrorCode.CHALLENGE_EXPIRED) {
      delete state.step;
      return this.showPassword(request, response, refusal);
    }
    state.step = step;
    this.showCode(request, response, step, refusal);
  }

  private challenge(request: PageRequest): Challenge {
    const step = pageState(request).step;
    if (step?.kind !== 'challenge') {
      throw new AppException(ErrorCode.CHALLENGE_EXPIRED, 'No sign-in in progress');
    }
    return step;
  }

  /** U1: a new session id at each sign-in step, keeping only the chosen language. */
  private async freshSession(request: PageRequest): Promise<void> {
    const { language } = pageState(request);
    await regenerateSession(request);
    request.session.page = { language };
  }

  private next(request: PageRequest): string {
    const state = pageState(request);
    return state.access || state.step?.kind === 'setup' ? SIGNED_IN_HOME : HOME;
  }
}

/** What the code step asks for: the method, or a recovery or temporary code standing in for it. */
function promptOf(step: Challenge): string {
  if (step.recovery) return 'recovery';
  if (step.temporary) return 'temporary';
  return step.method;
}
