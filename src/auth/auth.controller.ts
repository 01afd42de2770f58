import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated, CurrentPrincipal, Public } from 'src/access/access.decorators';
import { acceptedLanguage } from 'src/common/languages';
import type { Principal } from 'src/access/principal';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { readCookie } from 'src/common/http/cookies';
import { LIMITS } from 'src/config/limits';
import { RateLimit } from 'src/rate-limit/rate-limit.decorator';
import { SessionDto } from 'src/sessions/sessions.dto';
import { SessionsService } from 'src/sessions/sessions.service';
import {
  ChallengeDto,
  ChallengeTokenDto,
  MethodSwitchedDto,
  SwitchMethodDto,
  VerifyChallengeDto,
} from 'src/two-factor/two-factor.dto';
import { PasswordlessOptionsDto, PasswordlessSignInDto } from 'src/two-factor/passkey/passkey.dto';
import type { User } from 'src/users/user.entity';
import { AccountSessionsService } from './account-sessions.service';
import {
  ChangePasswordDto,
  LoginDto,
  RefreshDto,
  SetupRequiredDto,
  StartStepUpDto,
  StepUpDto,
  StepUpProofDto,
  StepUpStartedDto,
  TemporaryCodeVerifyDto,
} from './auth.dto';
import { AuthService, type LoginAnswer } from './auth.service';
import { LocalAuthGuard } from './local.strategy';
import { PasskeySignInService } from './passkey-sign-in.service';
import { ApiDoc } from 'src/common/errors/api-doc.decorator';
import { ErrorCode } from 'src/common/errors/error-code';
import { StepUpService } from './step-up.service';

const DEVICE_COOKIE = 'gk_device';

@ApiTags('auth')
@ApiExtraModels(SessionDto, ChallengeDto, SetupRequiredDto)
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly passkeySignIn: PasskeySignInService,
    private readonly accountSessions: AccountSessionsService,
    private readonly sessions: SessionsService,
    private readonly stepUp: StepUpService,
  ) {}

  @Public()
  @UseGuards(LocalAuthGuard)
  @RateLimit('login')
  @ApiDoc(
    'Sign in with email and password',
    ErrorCode.INVALID_CREDENTIALS,
    ErrorCode.TOO_MANY_REQUESTS,
    ErrorCode.MAIL_UNAVAILABLE,
  )
  @Post('auth/login')
  @HttpCode(HttpStatus.OK)
  @ApiBody({ type: LoginDto })
  @ApiHeader({
    name: 'Accept-Language',
    required: false,
    description:
      "The user's mails from now on are written in the first of `en`, `fr` it names; without one, they stay as they were (English at first).",
  })
  @ApiOkResponse({
    description:
      '`authenticated` when no second factor is needed (none configured and none required, or a trusted device); ' +
      '`two_factor_required` with a challenge token; `two_factor_setup_required` with a setup token when 2FA is ' +
      'mandatory and the user has no method yet. 401 INVALID_CREDENTIALS for any wrong email or password.',
    schema: {
      oneOf: [SessionDto, ChallengeDto, SetupRequiredDto].map((model) => ({
        $ref: getSchemaPath(model),
      })),
      discriminator: {
        propertyName: 'status',
        mapping: {
          authenticated: getSchemaPath(SessionDto),
          two_factor_required: getSchemaPath(ChallengeDto),
          two_factor_setup_required: getSchemaPath(SetupRequiredDto),
        },
      },
    },
  })
  // LocalAuthGuard has validated the body already; a @Body() would validate it a second time.
  login(@Req() request: Request & { user: User }): Promise<LoginAnswer> {
    const body = request.body as LoginDto;
    const deviceToken = body.deviceToken ?? readCookie(request, DEVICE_COOKIE);
    return this.auth.continueLogin(request.user, deviceToken, acceptedLanguage(request));
  }

  /** The challenge token travels in the body: it is not a session and opens nothing else. */
  @Public()
  @RateLimit('verify')
  @ApiDoc(
    'Answer the second-factor challenge',
    ErrorCode.INVALID_CODE,
    ErrorCode.CODE_ALREADY_USED,
    ErrorCode.CODE_EXPIRED,
    ErrorCode.CHALLENGE_EXPIRED,
    ErrorCode.TOO_MANY_ATTEMPTS,
    ErrorCode.TOO_MANY_REQUESTS,
  )
  @Post('auth/two-factor/verify')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: SessionDto,
    description:
      '401 INVALID_CODE, CODE_EXPIRED or CHALLENGE_EXPIRED; 429 TOO_MANY_ATTEMPTS after 5 wrong codes on ' +
      'this challenge, or while the account is locked after 10 wrong codes in 15 minutes (even a right code). ' +
      'With `rememberDevice`, also `deviceToken` and the `gk_device` cookie (HttpOnly, Secure, SameSite=Strict, ' +
      'path /api/auth), valid 30 days from now and never extended.',
  })
  async verifySecondFactor(
    @Body() body: VerifyChallengeDto,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionDto> {
    return withDeviceCookie(response, await this.auth.verifySecondFactor(body, client));
  }

  /** H3: a code from the support desk, at the second step of this user's sign-in only. */
  @Public()
  @RateLimit('verify')
  @ApiDoc(
    'Pass the second step with a temporary access code from support',
    ErrorCode.INVALID_CODE,
    ErrorCode.CHALLENGE_EXPIRED,
    ErrorCode.TOO_MANY_ATTEMPTS,
    ErrorCode.TOO_MANY_REQUESTS,
  )
  @Post('auth/two-factor/temporary-code')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: SetupRequiredDto,
    description:
      'Passes the challenge with a temporary access code a support person gave: once, within its hour, for this ' +
      'user only. Answers a setup token: the user sets up a new method, whose confirmation answers the session. ' +
      '401 INVALID_CODE or CHALLENGE_EXPIRED; 429 TOO_MANY_ATTEMPTS under the same limits as verify.',
  })
  verifyTemporaryCode(
    @Body() body: TemporaryCodeVerifyDto,
    @Client() client: ClientInfo,
  ): Promise<SetupRequiredDto> {
    return this.auth.verifyTemporaryCode(body, client);
  }

  /** H2: the first step of giving the second factor again inside a session. */
  @Authenticated()
  @RateLimit('method')
  @ApiDoc(
    'Start giving your second factor again (step-up)',
    ErrorCode.METHOD_NOT_ENABLED,
    ErrorCode.TOO_MANY_REQUESTS,
    ErrorCode.MAIL_UNAVAILABLE,
  )
  @Post('auth/step-up/start')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: StepUpStartedDto,
    description:
      'Opens a step-up for one of the caller’s methods (an email code is sent, passkey options are answered). ' +
      '409 METHOD_NOT_ENABLED for a method the caller does not have. `recovery` opens one for a recovery code ' +
      '(nothing is sent); any open step-up also takes one, with `method: "recovery"`.',
  })
  startStepUp(
    @CurrentPrincipal() principal: Principal,
    @Body() body: StartStepUpDto,
  ): Promise<StepUpStartedDto> {
    return this.stepUp.start(principal, body.method);
  }

  @Authenticated()
  @RateLimit('verify')
  @ApiDoc(
    'Answer the step-up with your second factor',
    ErrorCode.INVALID_CODE,
    ErrorCode.CODE_ALREADY_USED,
    ErrorCode.CHALLENGE_EXPIRED,
    ErrorCode.TOO_MANY_ATTEMPTS,
  )
  @Post('auth/step-up')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: StepUpProofDto,
    description:
      'A code (or `method: "recovery"` with a recovery code) or a passkey assertion for the step-up: answers a proof ' +
      'bound to this session, valid 5 minutes. Same limits and lockout as a login’s second step ' +
      '(401 INVALID_CODE, CHALLENGE_EXPIRED; 429 TOO_MANY_ATTEMPTS).',
  })
  verifyStepUp(
    @CurrentPrincipal() principal: Principal,
    @Body() body: StepUpDto,
    @Client() client: ClientInfo,
  ): Promise<StepUpProofDto> {
    return this.stepUp.verify(principal, body, client);
  }

  /** The first step of signing in with a passkey alone; no user is named yet. */
  @Public()
  @RateLimit('passkey')
  @ApiDoc('Start signing in with a passkey alone', ErrorCode.NOT_FOUND, ErrorCode.TOO_MANY_REQUESTS)
  @Post('auth/passkey/options')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: PasswordlessOptionsDto,
    description:
      'Request options for navigator.credentials.get() with a discoverable passkey (no allowCredentials), ' +
      'user verification required. 404 NOT_FOUND when passkeys are off.',
  })
  passkeyOptions(): Promise<PasswordlessOptionsDto> {
    return this.passkeySignIn.options();
  }

  /** The passkey stands for the password and the second factor: it must have verified the user (W4). */
  @Public()
  @RateLimit('login')
  @ApiDoc(
    'Sign in with a passkey alone',
    ErrorCode.INVALID_CREDENTIALS,
    ErrorCode.NOT_FOUND,
    ErrorCode.TOO_MANY_ATTEMPTS,
    ErrorCode.TOO_MANY_REQUESTS,
  )
  @Post('auth/passkey/verify')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: SessionDto,
    description:
      'The session a login answers. 401 INVALID_CREDENTIALS for an unknown passkey, a disabled user, or an ' +
      'assertion that does not verify (other challenge, origin or RP id, no user verification, a counter that ' +
      'went back); 429 TOO_MANY_ATTEMPTS while the second factor is locked. `rememberDevice` as at verify.',
  })
  async signInWithPasskey(
    @Body() body: PasswordlessSignInDto,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionDto> {
    return withDeviceCookie(response, await this.passkeySignIn.signIn(body, client));
  }

  @Public()
  @RateLimit('method')
  @ApiDoc(
    'Use another authentication method',
    ErrorCode.CHALLENGE_EXPIRED,
    ErrorCode.METHOD_NOT_ENABLED,
    ErrorCode.TOO_MANY_REQUESTS,
    ErrorCode.MAIL_UNAVAILABLE,
  )
  @Post('auth/two-factor/method')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: MethodSwitchedDto,
    description:
      '"Use another authentication method"; sends an email code when switching to email.',
  })
  switchMethod(@Body() body: SwitchMethodDto): Promise<MethodSwitchedDto> {
    return this.auth.switchMethod(body.challengeToken, body.method);
  }

  @Public()
  @RateLimit('resend')
  @ApiDoc(
    'Send another sign-in code',
    ErrorCode.CHALLENGE_EXPIRED,
    ErrorCode.RESEND_TOO_SOON,
    ErrorCode.TOO_MANY_REQUESTS,
    ErrorCode.MAIL_UNAVAILABLE,
  )
  @Post('auth/two-factor/resend')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    description:
      '"Send me another code". 429 RESEND_TOO_SOON with `retryAfter` within 60 s; nothing is sent then.',
  })
  resendCode(@Body() body: ChallengeTokenDto): Promise<void> {
    return this.auth.resendCode(body.challengeToken);
  }

  @Public()
  @ApiDoc('Refresh a session (the refresh token rotates)', ErrorCode.INVALID_REFRESH_TOKEN)
  @Post('auth/refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: SessionDto,
    description:
      'Rotates: the old refresh token stops working. Presenting a used one ends its whole session.',
  })
  refresh(@Body() body: RefreshDto): Promise<SessionDto> {
    return this.sessions.refresh(body.refreshToken);
  }

  /** The refresh token is the credential here, so a client whose access token expired can still sign out. */
  @Public()
  @ApiDoc('Sign out of this session')
  @Post('auth/logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  logout(@Body() body: RefreshDto): Promise<void> {
    return this.sessions.logout(body.refreshToken);
  }

  @Authenticated()
  @ApiDoc('Sign out everywhere')
  @Post('auth/logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({
    description: 'Every session and trusted device of the caller ends at once.',
  })
  logoutAll(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.accountSessions.logoutEverywhere(principal.userId);
  }

  @ApiTags('me')
  @Authenticated()
  @ApiDoc('Change your password', ErrorCode.INVALID_PASSWORD, ErrorCode.TOO_MANY_ATTEMPTS)
  @Post('me/password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({
    description:
      'Ends every other session and every trusted device. The calling session carries on: refresh it for a new access token. ' +
      '403 INVALID_PASSWORD when `currentPassword` is wrong; 429 TOO_MANY_ATTEMPTS after 5 wrong ones in a row, ' +
      'until 15 minutes after the last.',
  })
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.accountSessions.changePassword(
      principal,
      body.currentPassword,
      body.newPassword,
      client,
    );
  }
}

/** A remembered device's token also travels as an HttpOnly cookie scoped to sign-in. */
function withDeviceCookie(response: Response, session: SessionDto): SessionDto {
  if (session.deviceToken) {
    response.cookie(DEVICE_COOKIE, session.deviceToken, {
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: '/api/auth',
      maxAge: LIMITS.trustedDevice.lifetimeMs,
    });
  }
  return session;
}
