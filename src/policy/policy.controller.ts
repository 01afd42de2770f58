import { Body, Controller, Get, HttpCode, HttpStatus, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminWithSecondFactor, CurrentPrincipal, Roles } from 'src/auth/auth.decorators';
import type { Principal } from 'src/auth/principal';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { PolicyDto, UpdatePolicyDto } from './policy.dto';
import { PolicyService } from './policy.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/policy')
export class PolicyController {
  constructor(private readonly policy: PolicyService) {}

  @Get()
  @Roles('admin')
  @ApiOkResponse({ type: PolicyDto })
  getPolicy(@CurrentPrincipal() principal: Principal): Promise<PolicyDto> {
    return this.policy.get(principal.accountId);
  }

  @Put()
  @AdminWithSecondFactor()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: PolicyDto,
    description:
      'Only an administrator whose session passed a second factor (403 SECOND_FACTOR_REQUIRED otherwise). ' +
      'Users without a method set one up at their next login; existing sessions last until then.',
  })
  updatePolicy(
    @CurrentPrincipal() principal: Principal,
    @Body() body: UpdatePolicyDto,
    @Client() client: ClientInfo,
  ): Promise<PolicyDto> {
    return this.policy.setTwoFactorRequired(principal, body.twoFactorRequired, client);
  }
}
