import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { domainToASCII } from 'node:url';
import { parseBranding, type Branding } from './branding';

export type DatabaseKind = 'sqlite' | 'mariadb';

export interface DatabaseConfig {
  kind: DatabaseKind;
  /** sqlite: file path; mariadb: the connection URL as given. */
  url: string;
  /** Only the embedded SQLite demo database is synchronized; MySQL/MariaDB always run migrations. */
  synchronize: boolean;
}

export interface AppConfig {
  production: boolean;
  port: number;
  varDir: string;
  database: DatabaseConfig;
  smtpUrl?: string;
  mailFrom: string;
  /** BRAND_NAME: the pages', the panel's and the mails' name, and the authenticator-app issuer. */
  productName: string;
  /** The pages' and the panel's logo and colour. */
  brand: Branding;
  /** Where people reach the product, for links in mails. */
  publicUrl: string;
  /** Unset when passkeys are off: no WEBAUTHN_* set and PUBLIC_URL cannot be the relying party. */
  webauthn?: WebAuthnConfig;
  /** Why passkeys are off, for the one warning logged at start. */
  webauthnUnavailable?: string;
  jwtSecret: Buffer;
  encryptionKey: Buffer;
  accessTokenTtlSeconds: number;
  /** A session's absolute lifetime from its first login; refreshing never extends it (S6). */
  sessionMaxAgeSeconds: number;
  /** How long a client may take to send a whole request, headers and body; then 408. */
  requestTimeoutSeconds: number;
  redisUrl?: string;
  rateLimitPerMinute: number;
  trustProxy?: string;
  bootstrapAdmin?: { email: string; password: string };
  twoFactorMandatoryFrom?: Date;
  /** The most detailed log level printed; `debug` adds the route map at start. */
  logLevel: LogLevelName;
  /** METRICS_PORT: /metrics on a port of its own, off the public API. */
  metricsPort?: number;
  /** METRICS_TOKEN: the bearer token /metrics requires (on the app's port, and on METRICS_PORT). */
  metricsToken?: string;
  /** Production refusals overridden on purpose: each is logged as a warning at every start. */
  unsafeOverrides: string[];
}

/** The relying party passkeys are bound to (W1). */
export interface WebAuthnConfig {
  /** The domain every passkey is created for; browsers refuse one their page is not on. */
  rpId: string;
  /** Shown by the browser and the authenticator when a passkey is created. */
  rpName: string;
  /** Origins whose ceremonies are accepted, as browsers write them in clientDataJSON. */
  origins: string[];
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Every problem found, each a sentence of its own (main.ts prints one line per problem). */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

type Env = Record<string, string | undefined>;

const PLACEHOLDER_SECRETS = /^(change[-_ ]?me|secret|password|placeholder|test|default|x+)$/i;
const KEY_BYTES = 32;

/** Reads and validates the environment once, at start; every problem is reported together. */
export function loadConfig(givenEnv: Env = process.env): AppConfig {
  const problems: string[] = [];
  const env = withSecretFiles(givenEnv, problems);
  const production = env.NODE_ENV === 'production';
  const varDir = resolve(env.GATEKEEPER_VAR_DIR ?? './var');

  const port = parseInteger(env.PORT, 3000, 0, 65535, 'PORT', problems);
  const rateLimitPerMinute = parseInteger(
    env.RATE_LIMIT_PER_MINUTE,
    60,
    1,
    1_000_000,
    'RATE_LIMIT_PER_MINUTE',
    problems,
  );
  const sessionMaxAgeSeconds = parseDuration(
    env.SESSION_MAX_AGE,
    '30d',
    'SESSION_MAX_AGE',
    SESSION_MAX_AGE_RANGE,
    problems,
  );
  const requestTimeoutSeconds = parseDuration(
    env.REQUEST_TIMEOUT,
    '30s',
    'REQUEST_TIMEOUT',
    REQUEST_TIMEOUT_RANGE,
    problems,
  );
  const database = parseDatabaseUrl(
    env.DATABASE_URL ?? `sqlite:${join(varDir, 'gatekeeper.sqlite')}`,
    problems,
  );

  const smtpUrl = blankToUndefined(env.SMTP_URL);
  if (smtpUrl && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) {
    problems.push('SMTP_URL must look like smtp://host:port or smtps://host:port');
  }
  const publicUrl = (blankToUndefined(env.PUBLIC_URL) ?? `http://localhost:${port}`).replace(
    /\/+$/,
    '',
  );
  const parsedPublicUrl = /^https?:\/\/[^/\s]+/.test(publicUrl) ? parseUrl(publicUrl) : undefined;
  if (!parsedPublicUrl) {
    problems.push('PUBLIC_URL must be an http(s) URL such as https://auth.example.com');
  }
  // PRODUCT_NAME is BRAND_NAME's older name, still read.
  const productName =
    blankToUndefined(env.BRAND_NAME) ?? blankToUndefined(env.PRODUCT_NAME) ?? 'Gatekeeper';
  const brand = parseBranding(env, problems);
  const { webauthn, webauthnUnavailable } = parseWebAuthnOrOff(
    env,
    parsedPublicUrl,
    productName,
    problems,
  );
  const redisUrl = blankToUndefined(env.REDIS_URL);
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    problems.push('REDIS_URL must start with redis:// or rediss://');
  }

  let twoFactorMandatoryFrom: Date | undefined;
  const mandatoryFrom = blankToUndefined(env.TWO_FACTOR_MANDATORY_FROM);
  if (mandatoryFrom) {
    twoFactorMandatoryFrom = new Date(mandatoryFrom);
    if (Number.isNaN(twoFactorMandatoryFrom.getTime())) {
      problems.push('TWO_FACTOR_MANDATORY_FROM must be an ISO date such as 2027-01-31');
    }
  }

  const metricsPort = blankToUndefined(env.METRICS_PORT)
    ? parseInteger(env.METRICS_PORT, 0, 0, 65535, 'METRICS_PORT', problems)
    : undefined;
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) {
    problems.push('METRICS_PORT must differ from PORT');
  }
  const metricsToken = blankToUndefined(env.METRICS_TOKEN);
  if (metricsToken && metricsToken.length < 32) {
    problems.push('METRICS_TOKEN must be at least 32 characters, e.g. openssl rand -hex 32');
  }

  const logLevel = (blankToUndefined(env.LOG_LEVEL) ?? 'log') as LogLevelName;
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const adminEmail = blankToUndefined(env.ADMIN_EMAIL);
  const adminPassword = blankToUndefined(env.ADMIN_PASSWORD);
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither');
  }
  if (adminPassword && (adminPassword.length < 8 || adminPassword.length > 128)) {
    problems.push('ADMIN_PASSWORD must be 8 to 128 characters');
  }

  const secrets = production
    ? readProductionSecrets(env, problems)
    : readOrGenerateDevelopmentSecrets(env, varDir, problems);
  const unsafeOverrides = production
    ? refuseUnsafeDefaults(env, { smtpUrl, adminPassword, publicUrl: parsedPublicUrl }, problems)
    : [];

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    production,
    port,
    varDir,
    database,
    smtpUrl,
    mailFrom: blankToUndefined(env.MAIL_FROM) ?? 'Gatekeeper <no-reply@localhost>',
    productName,
    brand,
    publicUrl,
    webauthn,
    webauthnUnavailable,
    jwtSecret: secrets.jwtSecret,
    encryptionKey: secrets.encryptionKey,
    accessTokenTtlSeconds: 15 * 60,
    sessionMaxAgeSeconds,
    requestTimeoutSeconds,
    redisUrl,
    rateLimitPerMinute,
    trustProxy: blankToUndefined(env.TRUST_PROXY),
    bootstrapAdmin:
      adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    twoFactorMandatoryFrom,
    logLevel,
    metricsPort,
    metricsToken,
    unsafeOverrides,
  };
}

/** Secrets may come from files (Docker and Kubernetes secrets): `JWT_SECRET_FILE=/run/secrets/jwt`. */
const FILE_VARIABLES = ['JWT_SECRET', 'ENCRYPTION_KEY', 'ADMIN_PASSWORD', 'DATABASE_URL'] as const;

function withSecretFiles(env: Env, problems: string[]): Env {
  const resolved = { ...env };
  for (const name of FILE_VARIABLES) {
    const file = blankToUndefined(env[`${name}_FILE`]);
    if (!file) continue;
    if (blankToUndefined(env[name])) {
      problems.push(`${name} and ${name}_FILE are both set: set one`);
      continue;
    }
    try {
      // The file's last newline is an editor's, not the secret's.
      resolved[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  return resolved;
}

/** Each unsafe default, the variable that accepts it anyway, and what the log says then. */
const OVERRIDES = {
  mailToFiles: {
    variable: 'ALLOW_MAIL_TO_FILES',
    refusal:
      'SMTP_URL is required when NODE_ENV=production: without it, sign-in codes are written to files under GATEKEEPER_VAR_DIR/mail (set ALLOW_MAIL_TO_FILES=true to accept that)',
    warning: 'ALLOW_MAIL_TO_FILES=true: no SMTP_URL, mails (with their codes) are written to files',
  },
  weakAdminPassword: {
    variable: 'ALLOW_WEAK_ADMIN_PASSWORD',
    refusal:
      'ADMIN_PASSWORD is a placeholder or shorter than 12 characters: choose a longer one (set ALLOW_WEAK_ADMIN_PASSWORD=true to accept it)',
    warning: 'ALLOW_WEAK_ADMIN_PASSWORD=true: the first administrator may have a weak password',
  },
  httpPublicUrl: {
    variable: 'ALLOW_HTTP_PUBLIC_URL',
    refusal:
      'PUBLIC_URL must use https when NODE_ENV=production (http only on localhost): links in mails would send codes and sessions in clear (set ALLOW_HTTP_PUBLIC_URL=true to accept it)',
    warning: 'ALLOW_HTTP_PUBLIC_URL=true: PUBLIC_URL is plain http outside localhost',
  },
} as const;

const WEAK_ADMIN_PASSWORD =
  /change.?(me|this|it)|placeholder|example|^(admin|password|secret)\d*$/i;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Production refuses the demo's conveniences, one problem each, unless their override variable is
 * `true`; an accepted one is answered as a warning, which main.ts logs at every start.
 */
function refuseUnsafeDefaults(
  env: Env,
  given: { smtpUrl?: string; adminPassword?: string; publicUrl?: URL },
  problems: string[],
): string[] {
  const unsafe: (keyof typeof OVERRIDES)[] = [];
  if (!given.smtpUrl) unsafe.push('mailToFiles');
  const password = given.adminPassword;
  if (
    password &&
    (password.length < 12 ||
      PLACEHOLDER_SECRETS.test(password) ||
      WEAK_ADMIN_PASSWORD.test(password))
  ) {
    unsafe.push('weakAdminPassword');
  }
  const url = given.publicUrl;
  if (url?.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname)) unsafe.push('httpPublicUrl');

  const warnings: string[] = [];
  for (const key of unsafe) {
    const override = OVERRIDES[key];
    if (blankToUndefined(env[override.variable]) === 'true') warnings.push(override.warning);
    else problems.push(override.refusal);
  }
  return warnings;
}

function parseDatabaseUrl(url: string, problems: string[]): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (!path) problems.push('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./var/db.sqlite');
    return { kind: 'sqlite', url: path === ':memory:' ? path : resolve(path), synchronize: true };
  }
  if (/^(mysql|mariadb):\/\/[^/]+\/[^/?]+/.test(url)) {
    return { kind: 'mariadb', url: url.replace(/^mariadb:/, 'mysql:'), synchronize: false };
  }
  problems.push('DATABASE_URL must be sqlite:<path> or mysql://user:pass@host:3306/database');
  return { kind: 'sqlite', url: ':memory:', synchronize: true };
}

/** Lower-case ASCII labels (IDNs in their xn-- form), as browsers compare RP ids. */
const DOMAIN_NAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/;

/**
 * W1: WEBAUTHN_* set explicitly must be right, or the start is refused. Left unset, they default
 * from PUBLIC_URL; when that cannot be the relying party (an IP address, plain http off
 * localhost), passkeys are off rather than the start refused, and the reason is kept.
 */
function parseWebAuthnOrOff(
  env: Env,
  publicUrl: URL | undefined,
  productName: string,
  problems: string[],
): { webauthn?: WebAuthnConfig; webauthnUnavailable?: string } {
  if (blankToUndefined(env.WEBAUTHN_RP_ID) || blankToUndefined(env.WEBAUTHN_ORIGINS)) {
    return { webauthn: parseWebAuthn(env, publicUrl, productName, problems) };
  }
  const defaultedProblems: string[] = [];
  const webauthn = parseWebAuthn(env, publicUrl, productName, defaultedProblems);
  if (defaultedProblems.length === 0) return { webauthn };
  return { webauthnUnavailable: defaultedProblems.join('; ') };
}

/**
 * W1: the RP id is a domain (browsers refuse an IP address), and every origin is a secure one
 * on that domain or below it, or plain http on localhost for development. Both default from
 * PUBLIC_URL, which is undefined here when it is wrong itself (and reported already).
 */
function parseWebAuthn(
  env: Env,
  publicUrl: URL | undefined,
  productName: string,
  problems: string[],
): WebAuthnConfig {
  const rpName = blankToUndefined(env.WEBAUTHN_RP_NAME) ?? productName;
  const givenRpId = blankToUndefined(env.WEBAUTHN_RP_ID);
  const givenOrigins = blankToUndefined(env.WEBAUTHN_ORIGINS);
  const rpIdText = (givenRpId ?? publicUrl?.hostname)?.toLowerCase();
  const originsText = givenOrigins ?? publicUrl?.origin;
  if (rpIdText === undefined || originsText === undefined) return { rpId: '', rpName, origins: [] };
  const defaulted = (given: string | undefined) =>
    given ? '' : ' (taken from PUBLIC_URL: set WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS)';

  const rpId = domainToASCII(rpIdText);
  // A last label that is a number makes browsers read the host as an IPv4 address.
  const rpIdValid = DOMAIN_NAME.test(rpId) && !/(^|\.)(\d+|0x[0-9a-f]*)$/.test(rpId);
  if (isIP(rpIdText.replace(/^\[(.*)\]$/, '$1')) !== 0) {
    problems.push(
      `WEBAUTHN_RP_ID "${rpIdText}" is an IP address; passkeys need a domain name${defaulted(givenRpId)}`,
    );
  } else if (!rpIdValid) {
    problems.push(
      `WEBAUTHN_RP_ID "${rpIdText}" is not a domain name such as example.com${defaulted(givenRpId)}`,
    );
  }
  const items = originsText
    .split(',')
    .map((text) => text.trim())
    .filter(Boolean);
  if (items.length === 0) problems.push('WEBAUTHN_ORIGINS must list at least one origin');
  const origins: string[] = [];
  for (const item of items) {
    const url = parseUrl(item);
    const problem = `WEBAUTHN_ORIGINS: "${item}"`;
    if (!url || url.origin === 'null' || url.href !== `${url.origin}/`) {
      problems.push(`${problem} is not an origin such as https://auth.example.com`);
    } else if (
      url.protocol !== 'https:' &&
      !(url.protocol === 'http:' && url.hostname === 'localhost')
    ) {
      problems.push(`${problem} must use https, or http on localhost${defaulted(givenOrigins)}`);
    } else if (rpIdValid && url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
      problems.push(`${problem} is neither the RP id ${rpId} nor a subdomain of it`);
    } else if (!origins.includes(url.origin)) {
      origins.push(url.origin);
    }
  }
  return { rpId, rpName, origins };
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Accepts 32 bytes as 64 hex characters or base64/base64url; anything shorter is refused. */
function parseKey(value: string): Buffer | undefined {
  const bytes = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : decodeBase64(value);
  return bytes && bytes.length >= KEY_BYTES ? bytes : undefined;
}

function decodeBase64(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return undefined;
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function readProductionSecrets(env: Env, problems: string[]) {
  const read = (name: 'JWT_SECRET' | 'ENCRYPTION_KEY'): Buffer => {
    const value = blankToUndefined(env[name]);
    if (!value) {
      problems.push(`${name} is required when NODE_ENV=production`);
    } else if (PLACEHOLDER_SECRETS.test(value)) {
      problems.push(`${name} is a placeholder; generate one with: openssl rand -base64 32`);
    } else {
      const key = parseKey(value);
      if (key) return key;
      problems.push(`${name} must be 32 random bytes as base64 or 64 hex characters`);
    }
    return Buffer.alloc(0);
  };
  return { jwtSecret: read('JWT_SECRET'), encryptionKey: read('ENCRYPTION_KEY') };
}

interface StoredSecrets {
  jwtSecret: string;
  encryptionKey: string;
}

/** Outside production a missing secret is generated once and kept in var/secrets.json (mode 0600). */
function readOrGenerateDevelopmentSecrets(env: Env, varDir: string, problems: string[]) {
  const file = join(varDir, 'secrets.json');
  let stored: StoredSecrets | undefined;
  const given = {
    jwtSecret: blankToUndefined(env.JWT_SECRET),
    encryptionKey: blankToUndefined(env.ENCRYPTION_KEY),
  };
  if (!given.jwtSecret || !given.encryptionKey) {
    if (existsSync(file)) {
      stored = JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
    } else {
      stored = {
        jwtSecret: randomBytes(KEY_BYTES).toString('base64url'),
        encryptionKey: randomBytes(KEY_BYTES).toString('base64url'),
      };
      mkdirSync(varDir, { recursive: true });
      writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
      chmodSync(file, 0o600);
    }
  }
  const pick = (name: 'JWT_SECRET' | 'ENCRYPTION_KEY', value: string): Buffer => {
    const key = parseKey(value);
    if (!key) problems.push(`${name} must be 32 random bytes as base64 or 64 hex characters`);
    return key ?? Buffer.alloc(0);
  };
  return {
    jwtSecret: pick('JWT_SECRET', given.jwtSecret ?? stored!.jwtSecret),
    encryptionKey: pick('ENCRYPTION_KEY', given.encryptionKey ?? stored!.encryptionKey),
  };
}

function parseInteger(
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
  problems: string[],
): number {
  const text = blankToUndefined(value);
  if (text === undefined) return fallback;
  const parsed = Number(text);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return parsed;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

interface DurationRange {
  min: number;
  max: number;
  /** How the error message states the range, with an example. */
  says: string;
}

const SESSION_MAX_AGE_RANGE: DurationRange = {
  min: 60,
  max: 365 * 86400,
  says: 'from 60s to 365d, such as 30d or 12h',
};
const REQUEST_TIMEOUT_RANGE: DurationRange = {
  min: 1,
  max: 600,
  says: 'from 1s to 10m, such as 30s',
};

/** "30d", "12h", "45m", "90s" or bare seconds, within `range`; answers seconds. */
function parseDuration(
  value: string | undefined,
  fallback: string,
  name: string,
  range: DurationRange,
  problems: string[],
): number {
  const match = /^(\d+)([smhd]?)$/.exec(blankToUndefined(value) ?? fallback);
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : NaN;
  if (!(seconds >= range.min && seconds <= range.max)) {
    problems.push(`${name} must be a duration ${range.says}`);
  }
  return seconds;
}

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
