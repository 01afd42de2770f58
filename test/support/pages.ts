import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { totpCode } from './independent-totp';
import type { TestApp } from './test-app';
import { nextTotpStep } from './two-factor';

/** The CSRF token of the page a browser would have in front of it. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([0-9a-f]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF token in ${html.slice(0, 500)}`);
  return match[1];
}

const ENTITIES: Record<string, string> = {
  quot: '"',
  '#x27': "'",
  '#39': "'",
  '#x3D': '=',
  '#x60': '`',
  lt: '<',
  gt: '>',
  amp: '&',
};

/**
 * The WebAuthn options a page (the pages' or the panel's) hands its passkey script, read as the
 * script reads them: typed for the software authenticator, which takes them as a browser would.
 */
export function passkeyOptionsIn(html: string): never {
  const match = /data-passkey-options="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no passkey options in ${html.slice(0, 500)}`);
  const text = match[1].replace(
    /&(quot|#x27|#39|#x3D|#x60|lt|gt|amp);/g,
    (_, entity: string) => ENTITIES[entity],
  );
  return JSON.parse(text) as never;
}

/** The pages' first step, as a browser posts it: the form's token, the email and the password. */
export async function passwordAtPages(
  browser: TestAgent,
  user: { email: string; password: string },
): Promise<void> {
  const form = await browser.get('/').expect(200);
  await browser
    .post('/sign-in')
    .type('form')
    .send({ _csrf: csrfOf(form.text), email: user.email, password: user.password })
    .expect(303);
}

/** A browser-like client through the password and an independently computed TOTP code. */
export async function signedInAtPages(
  t: TestApp,
  user: { email: string; password: string },
  secret: string,
): Promise<TestAgent> {
  const browser = request.agent(t.app.getHttpServer());
  await passwordAtPages(browser, user);
  nextTotpStep(t);
  const step = await browser.get('/').expect(200);
  await browser
    .post('/sign-in/code')
    .type('form')
    .send({ _csrf: csrfOf(step.text), code: totpCode(secret, t.clock.now().getTime()) })
    .expect(303)
    .expect('Location', '/account/security');
  return browser;
}
