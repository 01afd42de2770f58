import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';

/** A file the product serves itself, under a name that changes with its content. */
export interface BrandAsset {
  /** `/assets/<name>`, cached for a year. */
  path: string;
  name: string;
  contentType: string;
  body: Buffer;
}

/** Name, logo and colour of the pages, the admin panel and the mails (docs/pages.md). */
export interface Branding {
  /** `#rrggbb`, with a contrast of at least 4.5:1 on white. */
  primaryColor: string;
  /** The header's logo: a file served from /assets, or an https URL; unset, the name shows alone. */
  logo?: { url: string; origin?: string };
  logoFile?: BrandAsset;
  /** The favicon: the logo file when there is one, else a shield in the primary colour. */
  icon: BrandAsset;
}

export const DEFAULT_PRIMARY_COLOR = '#1f3fbf';
/** WCAG 2.2 SC 1.4.3: text (links, white on buttons) needs 4.5:1. */
const MIN_CONTRAST = 4.5;
const MAX_LOGO_BYTES = 512 * 1024;
const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
};

type Env = Record<string, string | undefined>;

/**
 * BRAND_PRIMARY_COLOR, BRAND_LOGO_URL or BRAND_LOGO_FILE, checked at start. A colour too light
 * for white text on it (and for links on white) is refused rather than darkened: an operator
 * who chose it learns once, at start, instead of finding another colour on the pages.
 */
export function parseBranding(env: Env, problems: string[]): Branding {
  const primaryColor = parseColor(env.BRAND_PRIMARY_COLOR?.trim() || DEFAULT_PRIMARY_COLOR);
  if (!primaryColor) {
    problems.push('BRAND_PRIMARY_COLOR must be a hex colour such as #1f3fbf');
  } else {
    const ratio = contrastOnWhite(primaryColor);
    if (ratio < MIN_CONTRAST) {
      problems.push(
        `BRAND_PRIMARY_COLOR ${primaryColor} has a contrast of ${ratio.toFixed(2)}:1 on white; ` +
          `WCAG AA needs ${MIN_CONTRAST}:1 for text: choose a darker colour`,
      );
    }
  }
  const color = primaryColor ?? DEFAULT_PRIMARY_COLOR;
  const logoUrl = env.BRAND_LOGO_URL?.trim();
  const logoPath = env.BRAND_LOGO_FILE?.trim();
  if (logoUrl && logoPath) problems.push('Set BRAND_LOGO_URL or BRAND_LOGO_FILE, not both');
  const logoFile = logoPath ? readLogo(logoPath, problems) : undefined;
  const logo = logoFile
    ? { url: logoFile.path }
    : logoUrl
      ? parseLogoUrl(logoUrl, problems)
      : undefined;
  return {
    primaryColor: color,
    logo,
    logoFile,
    icon: logoFile ?? hashedAsset('icon', '.svg', shield(color)),
  };
}

/** `#abc` or `#aabbcc`, any case; answers `#aabbcc`. */
export function parseColor(text: string): string | undefined {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text);
  if (!match) return undefined;
  const hex =
    match[1].length === 3 ? [...match[1]].map((digit) => digit + digit).join('') : match[1];
  return `#${hex.toLowerCase()}`;
}

/** WCAG's contrast ratio of `#rrggbb` against white. */
export function contrastOnWhite(color: string): number {
  const channel = (offset: number) => {
    const value = parseInt(color.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}

/** The pages' and the panel's CSP allow images from this origin only besides their own. */
function parseLogoUrl(text: string, problems: string[]): Branding['logo'] {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.hostname !== 'localhost')) {
    problems.push('BRAND_LOGO_URL must be an https URL such as https://example.com/logo.svg');
    return undefined;
  }
  return { url: url.href, origin: url.origin };
}

function readLogo(path: string, problems: string[]): BrandAsset | undefined {
  const file = resolve(path);
  const extension = extname(file).toLowerCase();
  if (!Object.hasOwn(IMAGE_TYPES, extension)) {
    problems.push(`BRAND_LOGO_FILE must be one of ${Object.keys(IMAGE_TYPES).join(', ')}`);
    return undefined;
  }
  try {
    if (statSync(file).size > MAX_LOGO_BYTES) {
      problems.push(`BRAND_LOGO_FILE ${file} is larger than ${MAX_LOGO_BYTES / 1024} KB`);
      return undefined;
    }
    return hashedAsset('logo', extension, readFileSync(file));
  } catch {
    problems.push(`BRAND_LOGO_FILE ${file} cannot be read`);
    return undefined;
  }
}

/** `body` under `/assets/<stem>.<hash of body><extension>`. */
export function hashedAsset(
  stem: string,
  extension: string,
  body: Buffer,
  contentType = IMAGE_TYPES[extension],
): BrandAsset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const name = `${stem}.${hash}${extension}`;
  return { name, path: `/assets/${name}`, contentType, body };
}

function shield(color: string): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="${color}" ` +
      `d="M16 2 4 6v9c0 7.5 5.1 13.2 12 15 6.9-1.8 12-7.5 12-15V6z"/>` +
      `<path fill="#fff" d="M14 12a2 2 0 1 1 4 0v3h-4zm-3 3h10v8H11z"/></svg>\n`,
  );
}
