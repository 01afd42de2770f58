import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

const varDir = () => mkdtempSync(join(tmpdir(), 'gatekeeper-config-'));
const KEY = 'q'.repeat(43);

describe('loadConfig', () => {
  it('runs on embedded defaults with no variables, generating secrets once under var/', () => {
    const dir = varDir();
    const first = loadConfig({ GATEKEEPER_VAR_DIR: dir });
    expect(first.port).toBe(3000);
    expect(first.database).toEqual({
      kind: 'sqlite',
      url: join(dir, 'gatekeeper.sqlite'),
      synchronize: true,
    });
    expect(first.mailFrom).toBe('Gatekeeper <no-reply@localhost>');
    expect(first.rateLimitPerMinute).toBe(60);
    expect(first.jwtSecret).toHaveLength(32);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);

    const second = loadConfig({ GATEKEEPER_VAR_DIR: dir });
    expect(second.jwtSecret.equals(first.jwtSecret)).toBe(true);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(first.jwtSecret.equals(first.encryptionKey)).toBe(false);
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).toContain('jwtSecret');
  });

  it('refuses to start in production without JWT_SECRET and ENCRYPTION_KEY, naming both', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', GATEKEEPER_VAR_DIR: varDir() })).toThrow(
      /JWT_SECRET is required.*ENCRYPTION_KEY is required/,
    );
  });

  it('refuses placeholder and short secrets in production', () => {
    const env = { NODE_ENV: 'production', GATEKEEPER_VAR_DIR: varDir() };
    expect(() => loadConfig({ ...env, JWT_SECRET: 'changeme', ENCRYPTION_KEY: KEY })).toThrow(
      /JWT_SECRET is a placeholder/,
    );
    expect(() => loadConfig({ ...env, JWT_SECRET: KEY, ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(
      /ENCRYPTION_KEY must be 32/,
    );
  });

  it('S3: accepts 256-bit secrets in production and generates nothing', () => {
    const dir = varDir();
    const config = loadConfig({
      NODE_ENV: 'production',
      GATEKEEPER_VAR_DIR: dir,
      JWT_SECRET: KEY,
      ENCRYPTION_KEY: 'ab'.repeat(32),
      SMTP_URL: 'smtp://mail.example.com:587',
    });
    expect(config.production).toBe(true);
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(() => statSync(join(dir, 'secrets.json'))).toThrow();
  });

  describe('production refuses unsafe defaults, one problem each, unless overridden', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: KEY,
      ENCRYPTION_KEY: KEY,
      SMTP_URL: 'smtp://mail.example.com:587',
      PUBLIC_URL: 'https://auth.example.com',
    };
    const problemsOf = (env: Record<string, string | undefined>): string[] => {
      try {
        loadConfig({ GATEKEEPER_VAR_DIR: varDir(), ...production, ...env });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };

    it('accepts a safe production configuration, with no warning', () => {
      const config = loadConfig({ GATEKEEPER_VAR_DIR: varDir(), ...production });
      expect(config.unsafeOverrides).toEqual([]);
    });

    it.each([
      ['no SMTP_URL', { SMTP_URL: '' }, /^SMTP_URL is required/],
      [
        'a placeholder ADMIN_PASSWORD',
        { ADMIN_PASSWORD: 'change-this-password' },
        /^ADMIN_PASSWORD/,
      ],
      ['a short ADMIN_PASSWORD', { ADMIN_PASSWORD: 'elevenchars' }, /^ADMIN_PASSWORD/],
      [
        'PUBLIC_URL on http',
        { PUBLIC_URL: 'http://auth.example.com' },
        /^PUBLIC_URL must use https/,
      ],
    ])('refuses %s', (_name, env, problem) => {
      const admin = 'ADMIN_PASSWORD' in env ? { ADMIN_EMAIL: 'admin@example.com' } : {};
      const problems = problemsOf({ ...admin, ...env });
      expect(problems).toEqual([expect.stringMatching(problem)]);
    });

    it('lets localhost keep plain http, and a long admin password pass', () => {
      for (const url of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
        expect(problemsOf({ PUBLIC_URL: url })).toEqual([]);
      }
      const strong = { ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'correct horse battery' };
      expect(problemsOf(strong)).toEqual([]);
    });

    it('names every refusal at once, and each override turns its refusal into a warning', () => {
      const unsafe = {
        SMTP_URL: '',
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: 'changeme',
        PUBLIC_URL: 'http://auth.example.com',
      };
      expect(problemsOf(unsafe)).toHaveLength(3);
      const config = loadConfig({
        GATEKEEPER_VAR_DIR: varDir(),
        ...production,
        ...unsafe,
        ALLOW_MAIL_TO_FILES: 'true',
        ALLOW_WEAK_ADMIN_PASSWORD: 'true',
        ALLOW_HTTP_PUBLIC_URL: 'true',
      });
      expect(config.unsafeOverrides).toEqual([
        expect.stringMatching(/^ALLOW_MAIL_TO_FILES=true/),
        expect.stringMatching(/^ALLOW_WEAK_ADMIN_PASSWORD=true/),
        expect.stringMatching(/^ALLOW_HTTP_PUBLIC_URL=true/),
      ]);
    });
  });

  describe('secrets from files (*_FILE)', () => {
    const write = (content: string) => {
      const file = join(varDir(), 'secret');
      writeFileSync(file, content, { mode: 0o600 });
      return file;
    };

    it('reads JWT_SECRET, ENCRYPTION_KEY, ADMIN_PASSWORD and DATABASE_URL from files, without the last newline', () => {
      const config = loadConfig({
        GATEKEEPER_VAR_DIR: varDir(),
        JWT_SECRET_FILE: write(`${'ab'.repeat(32)}\n`),
        ENCRYPTION_KEY_FILE: write(KEY),
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD_FILE: write('a password from a file\n'),
        DATABASE_URL_FILE: write('mysql://gk:pw@db:3306/gatekeeper\n'),
      });
      expect(config.jwtSecret.toString('hex')).toBe('ab'.repeat(32));
      expect(config.encryptionKey).toHaveLength(32);
      expect(config.bootstrapAdmin?.password).toBe('a password from a file');
      expect(config.database.url).toBe('mysql://gk:pw@db:3306/gatekeeper');
    });

    it('refuses a missing file, and a variable set both ways', () => {
      expect(() =>
        loadConfig({ GATEKEEPER_VAR_DIR: varDir(), JWT_SECRET_FILE: '/nonexistent/jwt' }),
      ).toThrow(/JWT_SECRET_FILE: cannot read \/nonexistent\/jwt \(ENOENT\)/);
      expect(() =>
        loadConfig({ GATEKEEPER_VAR_DIR: varDir(), JWT_SECRET: KEY, JWT_SECRET_FILE: write(KEY) }),
      ).toThrow(/JWT_SECRET and JWT_SECRET_FILE are both set/);
    });
  });

  it('parses MySQL and MariaDB URLs and never synchronizes them', () => {
    const mysql = loadConfig({
      GATEKEEPER_VAR_DIR: varDir(),
      DATABASE_URL: 'mysql://gk:pw@db:3306/gatekeeper',
    });
    expect(mysql.database).toEqual({
      kind: 'mariadb',
      url: 'mysql://gk:pw@db:3306/gatekeeper',
      synchronize: false,
    });
    const maria = loadConfig({
      GATEKEEPER_VAR_DIR: varDir(),
      DATABASE_URL: 'mariadb://gk@db/gatekeeper',
    });
    expect(maria.database.kind).toBe('mariadb');
  });

  it('reads REQUEST_TIMEOUT as a duration of 1 s to 10 minutes, 30 s by default', () => {
    expect(loadConfig({ GATEKEEPER_VAR_DIR: varDir() }).requestTimeoutSeconds).toBe(30);
    const config = loadConfig({ GATEKEEPER_VAR_DIR: varDir(), REQUEST_TIMEOUT: '2m' });
    expect(config.requestTimeoutSeconds).toBe(120);
    for (const REQUEST_TIMEOUT of ['0', '11m', 'soon']) {
      expect(() => loadConfig({ GATEKEEPER_VAR_DIR: varDir(), REQUEST_TIMEOUT })).toThrow(
        /REQUEST_TIMEOUT must be a duration from 1s to 10m/,
      );
    }
  });

  it('reports every invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        GATEKEEPER_VAR_DIR: varDir(),
        PORT: 'eighty',
        DATABASE_URL: 'postgres://x/y',
        SMTP_URL: 'mail.example.com',
        TWO_FACTOR_MANDATORY_FROM: 'someday',
        ADMIN_EMAIL: 'a@example.com',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'SMTP_URL',
      'TWO_FACTOR_MANDATORY_FROM',
      'ADMIN_EMAIL and ADMIN_PASSWORD',
    ]) {
      expect(message).toContain(name);
    }
  });
});

describe('loadConfig: the WebAuthn relying party', () => {
  const load = (env: Record<string, string>) =>
    loadConfig({ GATEKEEPER_VAR_DIR: varDir(), ...env });
  const problemsOf = (env: Record<string, string>): string => {
    try {
      load(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  it('defaults to localhost on the port, with the product name', () => {
    expect(load({}).webauthn).toEqual({
      rpId: 'localhost',
      rpName: 'Gatekeeper',
      origins: ['http://localhost:3000'],
    });
    expect(load({ PORT: '8080', PRODUCT_NAME: 'Acme' }).webauthn).toEqual({
      rpId: 'localhost',
      rpName: 'Acme',
      origins: ['http://localhost:8080'],
    });
  });

  it("takes the RP id and the one origin from PUBLIC_URL's host", () => {
    expect(load({ PUBLIC_URL: 'https://Auth.Example.com/sign-in/' }).webauthn).toEqual({
      rpId: 'auth.example.com',
      rpName: 'Gatekeeper',
      origins: ['https://auth.example.com'],
    });
  });

  it('W1: accepts origins on the RP id and its subdomains, written as browsers write them', () => {
    const { webauthn } = load({
      PUBLIC_URL: 'https://auth.example.com',
      WEBAUTHN_RP_ID: 'Example.com',
      WEBAUTHN_ORIGINS:
        'https://example.com, https://auth.example.com:8443/,https://EXAMPLE.com:443',
      WEBAUTHN_RP_NAME: 'Example sign-in',
    });
    expect(webauthn).toEqual({
      rpId: 'example.com',
      rpName: 'Example sign-in',
      origins: ['https://example.com', 'https://auth.example.com:8443'],
    });
  });

  it.each([
    [
      'an origin on another domain',
      { WEBAUTHN_ORIGINS: 'https://evil.com' },
      /"https:\/\/evil.com" is neither the RP id example.com/,
    ],
    [
      'a domain that only ends like the RP id',
      { WEBAUTHN_ORIGINS: 'https://notexample.com' },
      /"https:\/\/notexample.com" is neither/,
    ],
    [
      'the parent of the RP id',
      { WEBAUTHN_RP_ID: 'auth.example.com', WEBAUTHN_ORIGINS: 'https://example.com' },
      /is neither the RP id auth.example.com/,
    ],
    [
      'plain http off localhost',
      { WEBAUTHN_ORIGINS: 'http://example.com' },
      /"http:\/\/example.com" must use https/,
    ],
    [
      'an origin with a path',
      { WEBAUTHN_ORIGINS: 'https://example.com/login' },
      /"https:\/\/example.com\/login" is not an origin/,
    ],
    [
      'no origin at all',
      { WEBAUTHN_ORIGINS: ' , ' },
      /WEBAUTHN_ORIGINS must list at least one origin/,
    ],
    [
      'an IPv4 RP id',
      { WEBAUTHN_RP_ID: '192.0.2.10', WEBAUTHN_ORIGINS: 'https://192.0.2.10' },
      /WEBAUTHN_RP_ID "192.0.2.10" is an IP address/,
    ],
    [
      'an IPv6 RP id',
      { WEBAUTHN_RP_ID: '[::1]', WEBAUTHN_ORIGINS: 'https://[::1]' },
      /WEBAUTHN_RP_ID "\[::1\]" is an IP address/,
    ],
    [
      'a host browsers read as an address',
      { WEBAUTHN_RP_ID: 'example.123' },
      /"example.123" is not a domain name/,
    ],
    [
      'an RP id that is not a host name',
      { WEBAUTHN_RP_ID: 'https://example.com' },
      /"https:\/\/example.com" is not a domain name/,
    ],
  ])('W1: refuses to start with %s', (_, env, problem) => {
    expect(
      problemsOf({
        WEBAUTHN_RP_ID: 'example.com',
        WEBAUTHN_ORIGINS: 'https://example.com',
        ...env,
      }),
    ).toMatch(problem);
  });

  it('W1: turns passkeys off when PUBLIC_URL cannot be the relying party and WEBAUTHN_* is unset, saying which variables to set', () => {
    const byIp = load({ PUBLIC_URL: 'http://192.0.2.10:3000' });
    expect(byIp.webauthn).toBeUndefined();
    expect(byIp.webauthnUnavailable).toMatch(
      /WEBAUTHN_RP_ID "192.0.2.10" is an IP address; passkeys need a domain name \(taken from PUBLIC_URL: set WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS\)/,
    );
    const plainHttp = load({ PUBLIC_URL: 'http://auth.example.com' });
    expect(plainHttp.webauthn).toBeUndefined();
    expect(plainHttp.webauthnUnavailable).toMatch(
      /WEBAUTHN_ORIGINS: "http:\/\/auth.example.com" must use https, or http on localhost \(taken from PUBLIC_URL/,
    );
    expect(
      load({
        PUBLIC_URL: 'http://192.0.2.10:3000',
        WEBAUTHN_RP_ID: 'localhost',
        WEBAUTHN_ORIGINS: 'http://localhost:3000',
      }).webauthn?.origins,
    ).toEqual(['http://localhost:3000']);
  });

  it('W1: refuses the start when WEBAUTHN_* is set and does not fit PUBLIC_URL', () => {
    expect(
      problemsOf({ PUBLIC_URL: 'http://192.0.2.10:3000', WEBAUTHN_ORIGINS: 'https://example.com' }),
    ).toMatch(/WEBAUTHN_RP_ID "192.0.2.10" is an IP address/);
  });

  it('reports a wrong PUBLIC_URL once, not again as a relying party', () => {
    const message = problemsOf({ PUBLIC_URL: 'auth.example.com' });
    expect(message).toContain('PUBLIC_URL must be an http(s) URL');
    expect(message).not.toContain('WEBAUTHN');
  });
});

describe('loadConfig: branding (BRAND_*)', () => {
  const base = () => ({ GATEKEEPER_VAR_DIR: varDir() });

  it('defaults to Gatekeeper in its blue, with a favicon in that colour and no logo', () => {
    const config = loadConfig(base());
    expect(config.productName).toBe('Gatekeeper');
    expect(config.brand.primaryColor).toBe('#1f3fbf');
    expect(config.brand.logo).toBeUndefined();
    expect(config.brand.icon.path).toMatch(/^\/assets\/icon\.[0-9a-f]{12}\.svg$/);
    expect(config.brand.icon.body.toString()).toContain('fill="#1f3fbf"');
  });

  it('takes BRAND_NAME before the older PRODUCT_NAME, and a 3- or 6-digit hex colour in any case', () => {
    const config = loadConfig({
      ...base(),
      BRAND_NAME: 'Acme',
      PRODUCT_NAME: 'Old',
      BRAND_PRIMARY_COLOR: '#0A7D32',
    });
    expect(config.productName).toBe('Acme');
    expect(config.brand.primaryColor).toBe('#0a7d32');
    expect(loadConfig({ ...base(), BRAND_PRIMARY_COLOR: '#036' }).brand.primaryColor).toBe(
      '#003366',
    );
  });

  it('refuses a colour that is not hex, and one under 4.5:1 on white (WCAG AA), saying its ratio', () => {
    for (const color of ['blue', '#12345', '1f3fbf', '#1f3fbg']) {
      expect(() => loadConfig({ ...base(), BRAND_PRIMARY_COLOR: color })).toThrow(
        /BRAND_PRIMARY_COLOR must be a hex colour such as #1f3fbf/,
      );
    }
    expect(() => loadConfig({ ...base(), BRAND_PRIMARY_COLOR: '#777777' })).toThrow(
      /BRAND_PRIMARY_COLOR #777777 has a contrast of 4\.48:1 on white; WCAG AA needs 4\.5:1/,
    );
    expect(loadConfig({ ...base(), BRAND_PRIMARY_COLOR: '#767676' }).brand.primaryColor).toBe(
      '#767676',
    );
  });

  it('serves a logo file under a content-hashed name, and takes an https logo URL with its origin for the CSP', () => {
    const dir = varDir();
    const file = join(dir, 'logo.svg');
    writeFileSync(file, '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const withFile = loadConfig({ ...base(), BRAND_LOGO_FILE: file }).brand;
    expect(withFile.logo?.url).toMatch(/^\/assets\/logo\.[0-9a-f]{12}\.svg$/);
    expect(withFile.logoFile?.contentType).toBe('image/svg+xml');
    expect(withFile.icon).toBe(withFile.logoFile);
    const withUrl = loadConfig({ ...base(), BRAND_LOGO_URL: 'https://cdn.example.com/acme.svg' });
    expect(withUrl.brand.logo).toEqual({
      url: 'https://cdn.example.com/acme.svg',
      origin: 'https://cdn.example.com',
    });
  });

  it('refuses a logo it cannot serve safely: plain http, a missing file, another type, both at once', () => {
    const problems = (env: Record<string, string>) => () => loadConfig({ ...base(), ...env });
    expect(problems({ BRAND_LOGO_URL: 'http://example.com/logo.png' })).toThrow(
      /BRAND_LOGO_URL must be an https URL/,
    );
    expect(problems({ BRAND_LOGO_FILE: '/nonexistent/logo.png' })).toThrow(
      /BRAND_LOGO_FILE \/nonexistent\/logo\.png cannot be read/,
    );
    expect(problems({ BRAND_LOGO_FILE: '/etc/hostname' })).toThrow(
      /BRAND_LOGO_FILE must be one of/,
    );
    expect(
      problems({ BRAND_LOGO_FILE: '/x.png', BRAND_LOGO_URL: 'https://example.com/x.png' }),
    ).toThrow(/not both/);
  });
});
