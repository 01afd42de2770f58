import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createAccountWithUser, signIn } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { enableEmailMethod, enableTotpMethod, startChallenge } from './support/two-factor';

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const readme = read('README.md');
const MARKDOWN = [
  'README.md',
  'bench/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

describe('What the product tells its users', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('E6: the README says email is the weaker factor, and the app is offered beside it and asked first', async () => {
    expect(readme).toMatch(/Email is the weaker factor/);
    expect(readme).toMatch(/800-63B/);
    const user = await createAccountWithUser(t, 'member');
    const token = (await signIn(t, user)).accessToken;
    await enableEmailMethod(t, user, token, 'weaker@example.org');
    await enableTotpMethod(t, user, token);
    const challenge = await startChallenge(t, user);
    expect(challenge.methods).toEqual(['totp', 'email']);
  });

  it('D5: the README states the NIST 5.1 trade-off of trusted devices', () => {
    expect(readme).toMatch(/Trusted devices trade a factor for convenience/);
    expect(readme).toMatch(/§5\.1/);
  });

  it('the README shows the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('the README stays short: under 150 lines, benchmarks and operations in their own files', () => {
    expect(readme.split('\n').length).toBeLessThan(150);
    expect(readme).toContain('](docs/operations.md)');
    expect(readme).toContain('](bench/README.md)');
    const operations = read('docs/operations.md');
    for (const section of [
      '## Running on MySQL or MariaDB',
      '## Several instances',
      '## Outages',
      '## Logs',
      '## Metrics',
      '## The container',
    ]) {
      expect(operations).toContain(section);
    }
  });

  it('every relative link in the README and docs/ leads to a file that exists', () => {
    for (const file of MARKDOWN) {
      for (const [, target] of read(file).matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)[^)]*\)/g)) {
        expect([file, target, existsSync(join(ROOT, dirname(file), target))]).toEqual([
          file,
          target,
          true,
        ]);
      }
    }
  });

  it('docs/operations.md documents every variable the configuration reads', () => {
    const source = read('src/config/app-config.ts');
    const read_ = [...source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((match) => match[1]);
    const files = /FILE_VARIABLES = \[([^\]]+)\]/.exec(source)![1].match(/[A-Z_]+/g)!;
    const overrides = [...source.matchAll(/variable: '([A-Z_]+)'/g)].map((match) => match[1]);
    const variables = new Set([...read_, ...files.map((name) => `${name}_FILE`), ...overrides]);
    expect(variables.size).toBeGreaterThan(25);
    const table = read('docs/operations.md');
    for (const variable of variables)
      expect([variable, table.includes(`\`${variable}\``)]).toEqual([variable, true]);
  });

  it('the Grafana dashboard asks only for metrics the app exports', () => {
    const defined = [
      ...read('src/metrics/metrics.service.ts').matchAll(/name: '(gatekeeper_\w+)'/g),
    ].map((match) => match[1]);
    const asked = [...read('docs/grafana-dashboard.json').matchAll(/\b(gatekeeper_\w+)/g)].map(
      (match) => match[1].replace(/_(bucket|count|sum)$/, ''),
    );
    expect(asked.length).toBeGreaterThan(5);
    for (const name of asked) expect(defined).toContain(name);
  });
});
