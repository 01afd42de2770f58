import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hashedAsset } from 'src/config/branding';

const SCRIPT = 'text/javascript; charset=utf-8';

/**
 * @simplewebauthn/browser's prebuilt bundle (the global `SimpleWebAuthnBrowser`): its package
 * exports only its modules, so the bundle is read beside them. Served from here, never a CDN.
 */
const webauthnBundle = readFileSync(
  join(
    dirname(require.resolve('@simplewebauthn/browser')),
    '..',
    'dist',
    'bundle',
    'index.umd.min.js',
  ),
);

/**
 * What a screen with a passkey form loads, in this order (both `defer`; see passkeys.js), named
 * by content and served at /assets by the pages. The pages and the admin panel's sign-in both
 * load them, which is why they live here rather than in either leaf.
 */
export const PASSKEY_SCRIPTS = [
  hashedAsset('webauthn', '.js', webauthnBundle, SCRIPT),
  hashedAsset('passkeys', '.js', readFileSync(join(__dirname, 'passkeys.js')), SCRIPT),
];

export const PASSKEY_SCRIPT_PATHS = PASSKEY_SCRIPTS.map((script) => script.path);
