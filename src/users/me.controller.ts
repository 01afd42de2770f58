import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
import { MeDto, toProfileDto } from './users.dto';
import { ApiDoc } from 'src/common/errors/api-doc.decorator';

@ApiTags('me')
@Authenticated()
@Controller('me')
export class MeController {
  @ApiDoc('Your profile')
  @Get()
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): MeDto {
    return toProfileDto(principal);
  }
}
