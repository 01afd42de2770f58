import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from 'src/auth/auth.decorators';
import type { Principal } from 'src/auth/principal';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import {
  CodeDto,
  EmailEnabledDto,
  PasswordDto,
  PendingAddressDto,
  StartEmailSetupDto,
  TotpEnabledDto,
  TotpEnrolmentDto,
  TwoFactorStatusDto,
} from './two-factor.dto';
import { TwoFactorService } from './two-factor.service';

/** Profile > Two-factor authentication. A wrong password answers 403 INVALID_PASSWORD and changes nothing. */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me/two-factor')
export class MeTwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @Get()
  @ApiOkResponse({ type: TwoFactorStatusDto })
  getTwoFactorStatus(@CurrentPrincipal() principal: Principal): Promise<TwoFactorStatusDto> {
    return this.twoFactor.status(principal.userId);
  }

  @Post('email')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: PendingAddressDto,
    description:
      'Sends a 6-digit code (valid 10 minutes) to the address. Again with another address: modify it.',
  })
  startEmailSetup(
    @CurrentPrincipal() principal: Principal,
    @Body() body: StartEmailSetupDto,
  ): Promise<PendingAddressDto> {
    return this.twoFactor.startEmailSetup(principal.userId, body.password, body.email);
  }

  @Post('email/resend')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    description: '429 RESEND_TOO_SOON with `retryAfter` within 60 s of the last code.',
  })
  resendEmailSetupCode(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.twoFactor.resendEmailSetupCode(principal.userId);
  }

  @Post('email/confirm')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: EmailEnabledDto })
  confirmEmailSetup(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CodeDto,
    @Client() client: ClientInfo,
  ): Promise<EmailEnabledDto> {
    return this.twoFactor.confirmEmailSetup(principal.userId, body.code, client);
  }

  @Post('totp')
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({
    type: TotpEnrolmentDto,
    description:
      'SHA1, 6 digits, 30 s. Also "set up a new authenticator app": the old one works until this one is confirmed.',
  })
  startTotpEnrolment(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PasswordDto,
  ): Promise<TotpEnrolmentDto> {
    return this.twoFactor.startTotpEnrolment(principal.userId, body.password);
  }

  @Post('totp/confirm')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TotpEnabledDto })
  confirmTotpEnrolment(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CodeDto,
    @Client() client: ClientInfo,
  ): Promise<TotpEnabledDto> {
    return this.twoFactor.confirmTotpEnrolment(principal.userId, body.code, client);
  }

  @Delete('email')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  removeEmailMethod(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.twoFactor.removeMethod(principal.userId, 'email', body.password, client);
  }

  @Delete('totp')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  removeTotpMethod(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.twoFactor.removeMethod(principal.userId, 'totp', body.password, client);
  }
}
