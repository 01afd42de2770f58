import helmet from 'helmet';
import type { AppConfig } from 'src/config/app-config';

/**
 * U3: scripts only from this origin (the pages' one file, and on passkey screens the passkey
 * script and its WebAuthn library), which may ask this origin only (passwordless sign-in's
 * options), styles from the one stylesheet, images from here, the QR code's data URL or the
 * origin of BRAND_LOGO_URL, forms posted here only, and never inside a frame.
 */
export function pageHeaders(config: AppConfig) {
  const logoOrigin = config.brand.logo?.origin;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'none'"],
        'script-src': ["'self'"],
        'connect-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', ...(logoOrigin ? [logoOrigin] : [])],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  });
}
