import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { closedPort } from './tcp';
import type { TestApp } from './test-app';

/** Debian's Chromium, headless, with nothing that would reach the network on its own. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** Serves the test app on a free local port, for a browser; answers its base URL. */
export async function serve(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  return (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
}

/**
 * A page in a fresh browser context (no cookies) that adds every Content-Security-Policy
 * violation the browser reports, other than those `ignore` matches, to `violations`.
 */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number },
  violations: string[],
  ignore?: RegExp,
  /** E.g. `locale` (the Accept-Language the browser sends) or clipboard `permissions`. */
  options: BrowserContextOptions = {},
): Promise<Page> {
  const page = await (await browser.newContext({ ...options, viewport })).newPage();
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/.test(text) && !ignore?.test(text)) violations.push(text);
  });
  return page;
}

/**
 * A free port on 127.0.0.1 and its origin as `http://localhost:PORT`: WebAuthn needs a secure
 * context and a domain for the RP id, which localhost is. Start the app with this origin as
 * PUBLIC_URL, listen on the port, and launch Chromium with `LOCALHOST_RESOLVES_TO_LOOPBACK`.
 */
export async function localhostOrigin(): Promise<{ port: number; base: string }> {
  const port = await closedPort();
  return { port, base: `http://localhost:${port}` };
}

export const LOCALHOST_RESOLVES_TO_LOOPBACK = '--host-resolver-rules=MAP localhost 127.0.0.1';

/**
 * Chromium's DevTools virtual authenticator on this page: a platform authenticator that keeps
 * discoverable credentials and verifies the user, answering without a prompt.
 */
export async function addVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/**
 * Where screenshots go: with UPDATE_DOCS_SCREENSHOTS=1 they replace the ones the docs show
 * (docs/pages-*.png), otherwise the git-ignored screenshots/.
 */
export const SCREENSHOTS = join(
  __dirname,
  '..',
  '..',
  process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? 'docs' : 'screenshots',
);

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * The screen in front of the user passes axe-core's WCAG 2.2 AA rules; with `screenshot`, it is
 * kept as `pages-<screenshot>.png` in SCREENSHOTS.
 */
export async function expectAccessible(page: Page, screenshot?: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(
    violations.map((violation) => ({
      screen: new URL(page.url()).pathname,
      id: violation.id,
      nodes: violation.nodes.map((node) => node.target.join(' ')),
    })),
  ).toEqual([]);
  if (screenshot) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `pages-${screenshot}.png`), fullPage: true });
  }
}
