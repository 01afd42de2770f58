import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { panelClient, signInToPanel, startPanelApp, userWithApp } from './support/panel';
import type { TestApp } from './support/test-app';

describe('AdminJS panel with the brand from configuration (BRAND_*)', () => {
  let t: TestApp;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatekeeper-panel-brand-'));
    writeFileSync(join(dir, 'acme.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
    t = await startPanelApp({ BRAND_NAME: 'Acme', BRAND_LOGO_FILE: join(dir, 'acme.svg') });
  }, 60_000);

  afterAll(() => t.close());

  it("takes the pages' name, logo and favicon, without AdminJS's own logo or credit", async () => {
    const admin = await userWithApp(t, 'admin');
    const panel = panelClient(t);
    const home = await signInToPanel(t, panel, admin);
    const page = await panel.get(home).redirects(2).expect(200);
    const logo = t.config.brand.logoFile!.path;
    expect(logo).toMatch(/^\/assets\/logo\.[0-9a-f]{12}\.svg$/);
    expect(page.text).toContain(`<title>Acme</title>`);
    expect(page.text).toMatch(new RegExp(`<link rel="shortcut icon" [^>]*href="${logo}"`));
    const branding = /"branding":(\{[^}]*\})/.exec(page.text)![1];
    expect(JSON.parse(branding)).toMatchObject({
      companyName: 'Acme',
      logo,
      favicon: logo,
      withMadeWithLove: false,
    });
    const served = await panel.get(logo).expect(200);
    expect(served.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });
});
