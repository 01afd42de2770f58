import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { CurrentPrincipal, SetupTokenAllowed } from 'src/auth/auth.decorators';
import type { Principal } from 'src/auth/principal';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { SessionDto } from 'src/sessions/sessions.dto';
import {
  CodeDto,
  EmailEnabledDto,
  OptionalPasswordDto,
  PasswordDto,
  PendingAddressDto,
  RecoveryCodesDto,
  StartEmailSetupDto,
  TotpEnabledDto,
  TotpEnrolmentDto,
  TwoFactorStatusDto,
} from './two-factor.dto';
import { TwoFactorService } from './two-factor.service';

const orSession = (model: new () => object) => ({
  oneOf: [{ $ref: getSchemaPath(model) }, { $ref: getSchemaPath(SessionDto) }],
});

/**
 * Profile > Two-factor authentication. A wrong password answers 403 INVALID_PASSWORD and changes
 * nothing. Routes marked (S) also take a setup token; a confirm with one answers the full session.
 */
@ApiTags('me')
@ApiBearerAuth()
@ApiExtraModels(SessionDto, EmailEnabledDto, TotpEnabledDto)
@Controller('me')
export class MeTwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @Get('two-factor')
  @SetupTokenAllowed()
  @ApiOkResponse({ type: TwoFactorStatusDto, description: '(S)' })
  getTwoFactorStatus(@CurrentPrincipal() principal: Principal): Promise<TwoFactorStatusDto> {
    return this.twoFactor.status(principal);
  }

  @Post('two-factor/email')
  @SetupTokenAllowed()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: PendingAddressDto,
    description:
      '(S) Sends a 6-digit code (valid 10 minutes) to the address, which may differ from the login email. ' +
      'Again with another address: "modify email address"; the address in force stays until the new one is confirmed. ' +
      '503 MAIL_UNAVAILABLE when the code cannot be mailed; nothing changes then.',
  })
  startEmailSetup(
    @CurrentPrincipal() principal: Principal,
    @Body() body: StartEmailSetupDto,
  ): Promise<PendingAddressDto> {
    return this.twoFactor.startEmailSetup(principal, body.password, body.email);
  }

  @Post('two-factor/email/resend')
  @SetupTokenAllowed()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    description: '(S) 429 RESEND_TOO_SOON with `retryAfter` within 60 s of the last code.',
  })
  resendEmailSetupCode(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.twoFactor.resendEmailSetupCode(principal);
  }

  @Post('two-factor/email/confirm')
  @SetupTokenAllowed()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: '(S)', schema: orSession(EmailEnabledDto) })
  confirmEmailSetup(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CodeDto,
    @Client() client: ClientInfo,
  ): Promise<EmailEnabledDto | SessionDto> {
    return this.twoFactor.confirmEmailSetup(principal, body.code, client);
  }

  @Post('two-factor/totp')
  @SetupTokenAllowed()
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({
    type: TotpEnrolmentDto,
    description:
      '(S) SHA1, 6 digits, 30 s. Also "set up a new authenticator app": the old one works until this one is confirmed.',
  })
  startTotpEnrolment(
    @CurrentPrincipal() principal: Principal,
    @Body() body: OptionalPasswordDto,
  ): Promise<TotpEnrolmentDto> {
    return this.twoFactor.startTotpEnrolment(principal, body.password);
  }

  @Post('two-factor/totp/confirm')
  @SetupTokenAllowed()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: '(S)', schema: orSession(TotpEnabledDto) })
  confirmTotpEnrolment(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CodeDto,
    @Client() client: ClientInfo,
  ): Promise<TotpEnabledDto | SessionDto> {
    return this.twoFactor.confirmTotpEnrolment(principal, body.code, client);
  }

  @Delete('two-factor/email')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({
    description: '409 LAST_METHOD_REQUIRED when 2FA is mandatory and this is the last method.',
  })
  removeEmailMethod(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.twoFactor.removeMethod(principal, 'email', body.password, client);
  }

  @Delete('two-factor/totp')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({
    description: '409 LAST_METHOD_REQUIRED when 2FA is mandatory and this is the last method.',
  })
  removeTotpMethod(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.twoFactor.removeMethod(principal, 'totp', body.password, client);
  }

  @Post('recovery-codes')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: RecoveryCodesDto,
    description:
      'Ten recovery codes, shown this once; any earlier set stops working. Each signs in once in place of the ' +
      'second factor: `POST /api/auth/two-factor/verify { challengeToken, method: "recovery", code }`. Using one ' +
      'emails the user; wrong ones count toward the lockout like any wrong code. 409 METHOD_NOT_ENABLED without a method.',
  })
  regenerateRecoveryCodes(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PasswordDto,
  ): Promise<RecoveryCodesDto> {
    return this.twoFactor.regenerateRecoveryCodes(principal, body.password);
  }
}
