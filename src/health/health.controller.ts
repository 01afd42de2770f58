import { Controller, Get, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from 'src/access/access.decorators';
import { HealthDto, LivenessDto } from './health.dto';
import { HealthService } from './health.service';
import { ApiDoc } from 'src/common/errors/api-doc.decorator';
import { ErrorCode } from 'src/common/errors/error-code';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @ApiDoc('Readiness: the process and its database answer', ErrorCode.DATABASE_UNAVAILABLE)
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

  /**
   * Liveness for orchestrators: the process serves requests. It touches nothing, so an instance is
   * not restarted because the database is away (readiness is `GET /api/health`).
   */
  @Public()
  @ApiDoc('Liveness: the process answers')
  @Get('live')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }
}
