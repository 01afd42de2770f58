import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Res,
} from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { SessionDto } from 'src/sessions/sessions.dto';
import { PasswordDto } from 'src/two-factor/method-payloads.dto';
import { PasskeyDto, RenamePasskeyDto } from 'src/two-factor/passkey/passkey.dto';
import { PasskeyService } from 'src/two-factor/passkey/passkey.service';
import { RecoveryCodesDto } from 'src/two-factor/recovery/recovery.dto';
import { TwoFactorStatusDto } from 'src/two-factor/two-factor.dto';
import { MethodSettingsService } from './method-settings.service';
import { MethodSetupService } from './method-setup.service';
import { ApiDoc } from 'src/common/errors/api-doc.decorator';
import { ErrorCode } from 'src/common/errors/error-code';

/**
 * Profile > Two-factor authentication, for every registered method: `{method}` is a name from
 * the registry (404 NOT_FOUND otherwise), and its payloads are validated with the method's own
 * DTOs. The OpenAPI document shows each method's routes on their own (two-factor-routes.openapi.ts).
 * A wrong password answers 403 INVALID_PASSWORD and changes nothing; after 5 wrong ones in a
 * row any password answers 429 TOO_MANY_ATTEMPTS (P6). Routes marked (S) also take a setup
 * token; a confirm with one answers the full session.
 */
@ApiTags('me')
@Authenticated()
@ApiExtraModels(SessionDto)
@Controller('me')
export class TwoFactorSettingsController {
  constructor(
    private readonly setup: MethodSetupService,
    private readonly settings: MethodSettingsService,
    private readonly passkeys: PasskeyService,
  ) {}

  @ApiDoc('Your second-factor methods and recovery codes')
  @Get('two-factor')
  @Authenticated({ setupToken: true })
  @ApiOkResponse({ type: TwoFactorStatusDto, description: '(S)' })
  getTwoFactorStatus(@CurrentPrincipal() principal: Principal): Promise<TwoFactorStatusDto> {
    return this.settings.status(principal);
  }

  /** The method's DTO validates the body; the method says which status answers (201, 202). */
  @Post('two-factor/:method')
  @Authenticated({ setupToken: true })
  async beginMethodSetup(
    @CurrentPrincipal() principal: Principal,
    @Param('method') method: string,
    @Body() body: unknown,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) response: Response,
  ): Promise<object> {
    const answer = await this.setup.begin(principal, method, body ?? {}, client);
    response.status(answer.status);
    return answer.body;
  }

  @Post('two-factor/:method/resend')
  @Authenticated({ setupToken: true })
  @HttpCode(HttpStatus.ACCEPTED)
  resendMethodSetup(
    @CurrentPrincipal() principal: Principal,
    @Param('method') method: string,
  ): Promise<void> {
    return this.setup.resend(principal, method);
  }

  @Post('two-factor/:method/confirm')
  @Authenticated({ setupToken: true })
  @HttpCode(HttpStatus.OK)
  confirmMethodSetup(
    @CurrentPrincipal() principal: Principal,
    @Param('method') method: string,
    @Body() body: unknown,
    @Client() client: ClientInfo,
  ): Promise<object | SessionDto> {
    return this.setup.confirm(principal, method, body ?? {}, client);
  }

  @Delete('two-factor/:method')
  @HttpCode(HttpStatus.NO_CONTENT)
  removeMethod(
    @CurrentPrincipal() principal: Principal,
    @Param('method') method: string,
    @Body() body: PasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.settings.removeMethod(principal, method, body.password, client);
  }

  @Delete('two-factor/:method/credentials/:credentialId')
  @HttpCode(HttpStatus.NO_CONTENT)
  removeMethodCredential(
    @CurrentPrincipal() principal: Principal,
    @Param('method') method: string,
    @Param('credentialId') credentialId: string,
    @Body() body: PasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.settings.removeCredential(principal, method, credentialId, body.password, client);
  }

  /**
   * The one method-specific route: the contract has no rename, and a name is no security
   * matter, so no password is asked.
   */
  @ApiDoc('Rename one of your passkeys', ErrorCode.NOT_FOUND)
  @Patch('two-factor/passkey/credentials/:credentialId')
  @ApiOkResponse({
    type: PasskeyDto,
    description: '404 NOT_FOUND for a passkey that is not yours.',
  })
  renamePasskey(
    @CurrentPrincipal() principal: Principal,
    @Param('credentialId') credentialId: string,
    @Body() body: RenamePasskeyDto,
  ): Promise<PasskeyDto> {
    return this.passkeys.rename(principal.userId, credentialId, body.name);
  }

  @ApiDoc(
    'Get a new set of recovery codes',
    ErrorCode.INVALID_PASSWORD,
    ErrorCode.METHOD_NOT_ENABLED,
    ErrorCode.TOO_MANY_ATTEMPTS,
  )
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
    return this.settings.regenerateRecoveryCodes(principal, body.password, client);
  }
}
