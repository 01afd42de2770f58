import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { User } from 'src/users/user.entity';
import { CurrentPrincipal, Public } from './auth.decorators';
import { LoginDto, RefreshDto, SessionDto } from './auth.dto';
import { AuthService } from './auth.service';
import { LocalAuthGuard } from './local.strategy';
import type { Principal } from './principal';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({
    type: SessionDto,
    description: '401 INVALID_CREDENTIALS for any wrong email or password.',
  })
  login(@Req() request: Request & { user: User }): Promise<SessionDto> {
    return this.auth.startSession(request.user);
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
