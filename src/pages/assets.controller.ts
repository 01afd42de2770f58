import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/access/access.decorators';
import { PageAssets } from './page-assets';

/** The pages' stylesheet, script, logo and icon, named by their content: cached a year. */
@ApiExcludeController()
@Public()
@Controller('assets')
export class AssetsController {
  constructor(private readonly assets: PageAssets) {}

  @Get(':name')
  @Header('Cache-Control', 'public, max-age=31536000, immutable')
  // An SVG logo opened on its own is a document of this origin: it may run nothing.
  @Header('Content-Security-Policy', "default-src 'none'; sandbox")
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = this.assets.find(name);
    if (!asset) throw new NotFoundException();
    response.type(asset.contentType).send(asset.body);
  }
}
