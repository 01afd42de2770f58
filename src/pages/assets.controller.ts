import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/access/access.decorators';
import { STYLESHEET } from './page-views';

/** The pages' one stylesheet, named by its content: cached a year, never stale. */
@ApiExcludeController()
@Public()
@Controller('assets')
export class AssetsController {
  @Get(':name')
  @Header('Cache-Control', 'public, max-age=31536000, immutable')
  @Header('Content-Type', 'text/css; charset=utf-8')
  stylesheet(@Param('name') name: string, @Res() response: Response): void {
    if (name !== STYLESHEET.name) throw new NotFoundException();
    response.send(STYLESHEET.css);
  }
}
