import { Body, Controller, Get, HttpCode, HttpStatus, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { PolicyDto, UpdatePolicyDto } from 'src/policy/policy.dto';
import { PolicyService } from 'src/policy/policy.service';
import { ApiDoc } from 'src/common/errors/api-doc.decorator';
import { ErrorCode } from 'src/common/errors/error-code';

@ApiTags('admin')
@Authenticated({ roles: ['admin'] })
@Controller('admin/policy')
export class AdminPolicyController {
  constructor(private readonly policy: PolicyService) {}

  @ApiDoc("Read the account's 2FA policy", ErrorCode.FORBIDDEN)
  @Get()
  @ApiOkResponse({ type: PolicyDto })
  getPolicy(@CurrentPrincipal() principal: Principal): Promise<PolicyDto> {
    return this.policy.get(principal.accountId);
  }

  @ApiDoc(
    'Make 2FA mandatory for the account, or not',
    ErrorCode.FORBIDDEN,
    ErrorCode.SECOND_FACTOR_REQUIRED,
  )
  @Put()
  @Authenticated({ secondFactor: true })
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
    return this.policy.update(principal, body, client);
  }
}
