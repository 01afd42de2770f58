import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
import { MeDto } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('me')
@Authenticated()
@Controller('me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return this.users.getProfile(principal.userId);
  }
}
