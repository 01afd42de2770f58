import type { PanelMethod } from './panel-gateway';

/**
 * The panel's own sign-in pages: plain HTML forms, no script, so they work under a strict CSP
 * and need no React bundle. Every value is escaped.
 */

const METHOD_NAMES: Partial<Record<PanelMethod, string>> = {
  passkey: 'Passkey or security key',
  totp: 'Authenticator app',
  email: 'Email',
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
  step: { method: PanelMethod; methods: PanelMethod[]; emailHint?: string },
  notice?: string,
): string {
  const prompt =
    step.method === 'email'
      ? `Enter the 6-digit code we emailed to ${escape(step.emailHint ?? 'your address')}.`
      : 'Enter the 6-digit code from your authenticator app.';
  const others = step.methods.filter((method) => method !== step.method);
  return layout(
    productName,
    'Two-factor authentication',
    notice,
    `<p>${prompt}</p>
    <form method="post" action="/admin/login/code">
      <label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus></label>
      <label class="inline"><input name="rememberDevice" type="checkbox" value="true"> Don't ask again on this device for 30 days</label>
      <button type="submit">Verify</button>
    </form>
    ${others
      .map(
        (method) => `<form method="post" action="/admin/login/method">
      <input type="hidden" name="method" value="${method}">
      <button class="link" type="submit">${method === 'email' ? 'Email me a code instead' : `Use another method: ${methodName(method)}`}</button>
    </form>`,
      )
      .join('\n')}
    ${
      step.method === 'email'
        ? `<form method="post" action="/admin/login/resend"><button class="link" type="submit">Send me another code</button></form>`
        : ''
    }
    <form method="post" action="/admin/login/restart"><button class="link" type="submit">Start over</button></form>`,
  );
}

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

function layout(productName: string, title: string, notice: string | undefined, body: string) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · ${escape(productName)}</title>
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
