import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
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
} from 'src/two-factor/two-factor.dto';
import { AccountSecurityService } from './account-security.service';

const orSession = (model: new () => object) => ({
  oneOf: [{ $ref: getSchemaPath(model) }, { $ref: getSchemaPath(SessionDto) }],
});

/**
 * Profile > Two-factor authentication. A wrong password answers 403 INVALID_PASSWORD and changes
 * nothing; after 5 wrong ones in a row any password answers 429 TOO_MANY_ATTEMPTS (P6). Routes marked (S) also take a setup token; a confirm with one answers the full session.
 */
@ApiTags('me')
@Authenticated()
@ApiExtraModels(SessionDto, EmailEnabledDto, TotpEnabledDto)
@Controller('me')
export class TwoFactorSettingsController {
  constructor(private readonly accountSecurity: AccountSecurityService) {}

  @Get('two-factor')
  @Authenticated({ setupToken: true })
  @ApiOkResponse({ type: TwoFactorStatusDto, description: '(S)' })
  getTwoFactorStatus(@CurrentPrincipal() principal: Principal): Promise<TwoFactorStatusDto> {
    return this.accountSecurity.status(principal);
  }

  @Post('two-factor/email')
  @Authenticated({ setupToken: true })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: PendingAddressDto,
    description:
      '(S) Sends a 6-digit code (valid 10 minutes) to the address, which may differ from the login email. ' +
      'Again with another address: "modify email address"; the address in force stays until the new one is confirmed. ' +
      '503 MAIL_UNAVAILABLE when the code cannot be mailed; nothing changes then. 429 TOO_MANY_REQUESTS beyond ' +
      '10 codes or 5 new addresses an hour. 429 TOO_MANY_ATTEMPTS after 5 wrong passwords in a row.',
  })
  startEmailSetup(
    @CurrentPrincipal() principal: Principal,
    @Body() body: StartEmailSetupDto,
    @Client() client: ClientInfo,
  ): Promise<PendingAddressDto> {
    return this.accountSecurity.startEmailSetup(principal, body.password, body.email, client);
  }

  @Post('two-factor/email/resend')
  @Authenticated({ setupToken: true })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    description: '(S) 429 RESEND_TOO_SOON with `retryAfter` within 60 s of the last code.',
  })
  resendEmailSetupCode(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.accountSecurity.resendEmailSetupCode(principal);
  }

  @Post('two-factor/email/confirm')
  @Authenticated({ setupToken: true })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: '(S)', schema: orSession(EmailEnabledDto) })
  confirmEmailSetup(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CodeDto,
    @Client() client: ClientInfo,
  ): Promise<EmailEnabledDto | SessionDto> {
    return this.accountSecurity.confirmEmailSetup(principal, body.code, client);
  }

  @Post('two-factor/totp')
  @Authenticated({ setupToken: true })
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({
    type: TotpEnrolmentDto,
    description:
      '(S) SHA1, 6 digits, 30 s. Also "set up a new authenticator app": the old one works until this one is confirmed.',
  })
  startTotpEnrolment(
    @CurrentPrincipal() principal: Principal,
    @Body() body: OptionalPasswordDto,
    @Client() client: ClientInfo,
  ): Promise<TotpEnrolmentDto> {
    return this.accountSecurity.startTotpEnrolment(principal, body.password, client);
  }

  @Post('two-factor/totp/confirm')
  @Authenticated({ setupToken: true })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: '(S)', schema: orSession(TotpEnabledDto) })
  confirmTotpEnrolment(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CodeDto,
    @Client() client: ClientInfo,
  ): Promise<TotpEnabledDto | SessionDto> {
    return this.accountSecurity.confirmTotpEnrolment(principal, body.code, client);
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
    return this.accountSecurity.removeMethod(principal, 'email', body.password, client);
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
    return this.accountSecurity.removeMethod(principal, 'totp', body.password, client);
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
    @Client() client: ClientInfo,
  ): Promise<RecoveryCodesDto> {
    return this.accountSecurity.regenerateRecoveryCodes(principal, body.password, client);
  }
}
