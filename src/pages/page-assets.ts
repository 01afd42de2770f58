import { Inject, Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PASSKEY_SCRIPTS } from 'src/common/browser/browser-scripts';
import type { AppConfig } from 'src/config/app-config';
import { hashedAsset, type BrandAsset } from 'src/config/branding';
import { APP_CONFIG } from 'src/config/config.module';

const ASSETS = join(__dirname, 'assets');
const PRIMARY = /--primary: #[0-9a-f]{6};/;

/**
 * What /assets serves: the one stylesheet (its primary colour from BRAND_PRIMARY_COLOR, since the
 * CSP allows no inline style), the one script, the passkey script with its WebAuthn library, and
 * the brand's logo and icon; each named by its content, so it can be cached for a year and is
 * never stale.
 */
@Injectable()
export class PageAssets {
  readonly stylesheet: BrandAsset;
  readonly script: BrandAsset;
  private readonly byName = new Map<string, BrandAsset>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const css = readFileSync(join(ASSETS, 'pages.css'), 'utf8');
    if (!PRIMARY.test(css)) throw new Error(`pages.css must declare ${PRIMARY.source}`);
    const branded = css.replace(PRIMARY, `--primary: ${config.brand.primaryColor};`);
    this.stylesheet = hashedAsset('pages', '.css', Buffer.from(branded), 'text/css; charset=utf-8');
    const script = readFileSync(join(ASSETS, 'pages.js'));
    this.script = hashedAsset('pages', '.js', script, 'text/javascript; charset=utf-8');
    const { icon, logoFile } = config.brand;
    for (const asset of [this.stylesheet, this.script, ...PASSKEY_SCRIPTS, icon, logoFile]) {
      if (asset) this.byName.set(asset.name, asset);
    }
  }

  find(name: string): BrandAsset | undefined {
    return this.byName.get(name);
  }
}
