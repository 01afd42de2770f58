import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { expectAccessible, launchChromium, openPage, serve } from './support/browser';
import { startTestApp, type TestApp } from './support/test-app';

/** The pages with a brand from configuration (BRAND_*), in their own app and browser. */
describe('Branded pages in a real browser (U3)', () => {
  let branded: TestApp;
  let url: string;
  let browser: Browser;
  const cspViolations: string[] = [];
  const serverErrors: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatekeeper-brand-'));
    writeFileSync(
      join(dir, 'acme.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32" viewBox="0 0 120 32">' +
        '<rect width="32" height="32" rx="6" fill="#0a7d32"/>' +
        '<text x="40" y="23" font-family="sans-serif" font-size="20" fill="#1a1a1a">Acme</text></svg>\n',
    );
    branded = await startTestApp({
      BRAND_NAME: 'Acme',
      BRAND_LOGO_FILE: join(dir, 'acme.svg'),
      BRAND_PRIMARY_COLOR: '#0a7d32',
    });
    url = await serve(branded);
    browser = await launchChromium();
  }, 120_000);

  // The browser first: closing the app waits for every connection still in use, and Chromium
  // keeps its connections open (closing the app first hung this suite at times).
  afterAll(async () => {
    await browser?.close();
    await branded?.close();
  });

  it('a brand from configuration: its logo in the header, its colour on the buttons, under the CSP, passing axe', async () => {
    const page = await openPage(browser, { width: 1024, height: 768 }, cspViolations);
    page.on('response', (response) => {
      if (response.status() >= 500) serverErrors.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${url}/`);
    expect(await page.title()).toBe('Sign in · Acme');
    const logo = page.getByRole('img', { name: 'Acme' });
    expect(await logo.evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBe(120);
    const button = page.getByRole('button', { name: 'Sign in', exact: true });
    expect(await button.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(
      'rgb(10, 125, 50)',
    );
    expect(await page.getAttribute('link[rel="icon"]', 'href')).toBe(
      branded.config.brand.logoFile!.path,
    );
    await expectAccessible(page, 'branded');
    expect(cspViolations).toEqual([]);
    expect(serverErrors).toEqual([]);
  }, 60_000);
});
