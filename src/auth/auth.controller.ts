import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import {
  ChallengeDto,
  ChallengeTokenDto,
  MethodSwitchedDto,
  SwitchMethodDto,
  VerifyChallengeDto,
} from 'src/two-factor/two-factor.dto';
import type { User } from 'src/users/user.entity';
import { CurrentPrincipal, Public } from './auth.decorators';
import { LoginDto, RefreshDto, SessionDto } from './auth.dto';
import { AuthService } from './auth.service';
import { LocalAuthGuard } from './local.strategy';
import type { Principal } from './principal';

@ApiTags('auth')
@ApiExtraModels(SessionDto, ChallengeDto)
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({
    description:
      '`authenticated` when the user has no second factor; otherwise `two_factor_required` with a ' +
      'challenge token for `/auth/two-factor/verify`. 401 INVALID_CREDENTIALS for any wrong email or password.',
    schema: { oneOf: [{ $ref: getSchemaPath(SessionDto) }, { $ref: getSchemaPath(ChallengeDto) }] },
  })
  login(@Req() request: Request & { user: User }): Promise<SessionDto | ChallengeDto> {
    return this.auth.continueLogin(request.user);
  }

  /** The challenge token travels in the body: it is not a session and opens nothing else. */
  @Public()
  @Post('two-factor/verify')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: SessionDto,
    description:
      '401 INVALID_CODE, CODE_EXPIRED or CHALLENGE_EXPIRED; 429 TOO_MANY_ATTEMPTS after 5 wrong codes on ' +
      'this challenge, or while the account is locked after 10 wrong codes in 15 minutes (even a right code).',
  })
  verifySecondFactor(
    @Body() body: VerifyChallengeDto,
    @Client() client: ClientInfo,
  ): Promise<SessionDto> {
    return this.auth.verifySecondFactor(body.challengeToken, body.code, client);
  }

  @Public()
  @Post('two-factor/method')
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
  @Post('two-factor/resend')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    description: '"Send me another code". 429 RESEND_TOO_SOON with `retryAfter` within 60 s.',
  })
  resendCode(@Body() body: ChallengeTokenDto): Promise<void> {
    return this.auth.resendCode(body.challengeToken);
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: SessionDto,
    description:
      'Rotates: the old refresh token stops working. Presenting a used one ends its whole session.',
  })
  refresh(@Body() body: RefreshDto): Promise<SessionDto> {
    return this.auth.refresh(body.refreshToken);
  }

  /** The refresh token is the credential here, so a client whose access token expired can still sign out. */
  @Public()
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  logout(@Body() body: RefreshDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }

  @ApiBearerAuth()
  @Post('logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  logoutAll(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.auth.logoutEverywhere(principal.userId);
  }
}
