import { Controller, Get, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from 'src/access/access.decorators';
import { HealthDto } from './health.dto';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({
    description:
      '`{ statusCode: 503, code: "DATABASE_UNAVAILABLE", status: "error", database: "down" }`',
  })
  check(): Promise<HealthDto> {
    return this.health.check();
  }
}
