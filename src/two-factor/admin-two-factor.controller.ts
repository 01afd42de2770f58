import { Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { AdminWithSecondFactor, CurrentPrincipal } from 'src/auth/auth.decorators';
import type { Principal } from 'src/auth/principal';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { TwoFactorService } from './two-factor.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/users')
export class AdminTwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @Post(':id/two-factor/reset')
  @AdminWithSecondFactor()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({
    description:
      "Removes the user's methods, pending codes, recovery codes and trusted devices, ends all the user's sessions at " +
      'once and emails them. When 2FA is mandatory they set up a method at their next login. An administrator can ' +
      'reset a factor, never see or set one. 403 SECOND_FACTOR_REQUIRED unless the administrator signed in with a ' +
      "second factor; another account's user is 404.",
  })
  resetTwoFactor(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.twoFactor.resetByAdministrator(principal, id, client);
  }
}
