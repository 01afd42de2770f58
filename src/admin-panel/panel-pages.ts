import { PASSKEY_SCRIPT_PATHS } from 'src/common/browser/browser-scripts';
import type { PanelMethod } from './panel-gateway';

/**
 * The panel's own sign-in pages: plain HTML forms, so they need no React bundle. The only script
 * is the passkey one the pages use, from this origin (script-src 'self'), on the passkey step.
 * Every value is escaped.
 */

const METHOD_NAMES: Partial<Record<PanelMethod, string>> = {
  passkey: 'Passkey or security key',
  totp: 'Authenticator app',
  email: 'Email',
  recovery: 'Recovery code',
};

/** Any other registered method shows by its name. */
export function methodName(method: PanelMethod): string {
  return METHOD_NAMES[method] ?? method;
}

export function passwordPage(productName: string, notice?: string): string {
  return layout(
    productName,
    'Sign in to the admin panel',
    notice,
    `<form method="post" action="/admin/login">
      <label>Email <input name="email" type="email" autocomplete="username" required autofocus></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Continue</button>
    </form>`,
  );
}

export function codePage(
  productName: string,
  step: {
    method: PanelMethod;
    methods: PanelMethod[];
    emailHint?: string;
    options?: Record<string, unknown>;
    recovery?: boolean;
  },
  notice?: string,
): string {
  const asked = step.recovery ? 'recovery' : step.method;
  const passkey = asked === 'passkey' && step.options !== undefined;
  const remember = `<label class="inline"><input name="rememberDevice" type="checkbox" value="true"> Don't ask again on this device for 30 days</label>`;
  const answer = passkey
    ? `<p id="passkey-status" class="notice" role="alert" tabindex="-1" hidden></p>
    <form method="post" action="/admin/login/code" data-passkey="get" data-passkey-options="${escape(JSON.stringify(step.options))}" data-passkey-status="passkey-status" data-passkey-error="The passkey did not answer, or was not accepted. Try again, or use another method." data-passkey-only hidden>
      <input type="hidden" name="response" value="">
      ${remember}
      <button type="submit">Use a passkey</button>
    </form>
    <p data-passkey-fallback>Passkeys need JavaScript and a browser that supports them: use another method below.</p>`
    : `<form method="post" action="/admin/login/code">
      ${
        asked === 'recovery'
          ? `<label>Recovery code <input name="code" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength="64" required autofocus></label>`
          : `<label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus></label>`
      }
      ${remember}
      <button type="submit">Verify</button>
    </form>`;
  const others = [...step.methods, 'recovery'].filter((method) => method !== asked);
  return layout(
    productName,
    'Two-factor authentication',
    notice,
    `<p>${PROMPTS[asked]?.(step.emailHint) ?? `Answer with your ${escape(methodName(asked))}.`}</p>
    ${answer}
    ${others
      .map(
        (method) => `<form method="post" action="/admin/login/method">
      <input type="hidden" name="method" value="${escape(method)}">
      <button class="link" type="submit">${OTHER_METHODS[method] ?? `Use another method: ${escape(methodName(method))}`}</button>
    </form>`,
      )
      .join('\n')}
    ${
      asked === 'email'
        ? `<form method="post" action="/admin/login/resend"><button class="link" type="submit">Send me another code</button></form>`
        : ''
    }
    <form method="post" action="/admin/login/restart"><button class="link" type="submit">Start over</button></form>`,
    passkey ? PASSKEY_SCRIPT_PATHS : [],
  );
}

/** What the second step asks, by method; any other shows by its name. */
const PROMPTS: Partial<Record<string, (emailHint?: string) => string>> = {
  email: (hint) => `Enter the 6-digit code we emailed to ${escape(hint ?? 'your address')}.`,
  totp: () => 'Enter the 6-digit code from your authenticator app.',
  passkey: () => 'Use your passkey or security key: your device asks you to confirm it is you.',
  recovery: () =>
    'Enter one of the recovery codes you saved when you set up two-factor authentication. Each works once.',
};

const OTHER_METHODS: Partial<Record<string, string>> = {
  email: 'Email me a code instead',
  passkey: 'Use a passkey instead',
  recovery: 'Use a recovery code instead',
};

/** A dead end with a way back: members, and administrators without a second factor. */
export function refusedPage(productName: string, message: string): string {
  return layout(
    productName,
    'No access to the admin panel',
    message,
    `<form method="post" action="/admin/login/restart"><button type="submit">Back to sign-in</button></form>`,
  );
}

/** Signing out changes something, so it is a form posted from here, never a link (A6). */
export function signOutPage(productName: string): string {
  return layout(
    productName,
    'Sign out of the admin panel',
    undefined,
    `<form method="post" action="/admin/logout"><button type="submit">Sign out</button></form>
    <p><a href="/admin">Back to the admin panel</a></p>`,
  );
}

function layout(
  productName: string,
  title: string,
  notice: string | undefined,
  body: string,
  scripts: string[] = [],
) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · ${escape(productName)}</title>
${scripts.map((path) => `<script src="${escape(path)}" defer></script>`).join('\n')}
<style>
  body { font-family: system-ui, sans-serif; background: #f6f7fb; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 2px 12px #0001; width: 22rem; }
  h1 { font-size: 1.25rem; margin-top: 0; } label { display: block; margin: 0 0 1rem; }
  label.inline { display: flex; gap: .5rem; align-items: center; }
  input:not([type=checkbox]) { display: block; width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; }
  button { padding: .5rem 1rem; background: #3040d6; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  button.link { background: none; color: #3040d6; padding: .25rem 0; }
  .notice { background: #fff4e5; border-left: 4px solid #f0a030; padding: .5rem .75rem; margin-bottom: 1rem; }
</style></head>
<body><main><h1>${escape(title)}</h1>
${notice ? `<p class="notice" role="alert">${escape(notice)}</p>` : ''}
${body}
</main></body></html>`;
}

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}
