import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
import { Client, type ClientInfo } from 'src/common/http/client-info';
import { TrustedDeviceDto } from './devices.dto';
import { DevicesService } from './devices.service';
import { ApiDoc } from 'src/common/errors/api-doc.decorator';
import { ErrorCode } from 'src/common/errors/error-code';

@ApiTags('me')
@Authenticated()
@Controller('me/trusted-devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @ApiDoc('List your trusted devices')
  @Get()
  @ApiOkResponse({ type: TrustedDeviceDto, isArray: true })
  listTrustedDevices(@CurrentPrincipal() principal: Principal): Promise<TrustedDeviceDto[]> {
    return this.devices.list(principal.userId, principal.deviceId);
  }

  @ApiDoc('Forget a trusted device', ErrorCode.NOT_FOUND)
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The device will be asked for the second factor again.' })
  removeTrustedDevice(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.devices.remove(
      { id: principal.userId, accountId: principal.accountId },
      id,
      client,
    );
  }
}
