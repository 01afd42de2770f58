import { mkdtempSync, readFileSync, statSync } from 'node:fs';
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
    });
    expect(config.production).toBe(true);
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(() => statSync(join(dir, 'secrets.json'))).toThrow();
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
