import fc from 'fast-check';
import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

/** Values a hostile client sends, shared by the API's and the panel's fuzzing (I3, I4, I5). */
export const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom(
    '',
    ' ',
    '123456',
    ' 123456 ',
    '１２３４５６',
    'K7QMP-ZX4RD',
    'ada@example.com',
    'ADA@EXAMPLE.COM ',
    'a@b.c\r\nBcc: victim@example.com',
    'Name\r\nX-Injected: yes',
    "' OR 1=1 --",
    '"; DROP TABLE users; --',
    '%',
    '_',
    '!%_\\',
    '<script>alert(1)</script>',
    '${jndi:ldap://127.0.0.1/x}',
    '\u0000',
    '\uD800',
    '\uDFFF\uD800',
    '\u200B'.repeat(300),
    'x\uFE0F'.repeat(254),
    '😀'.repeat(200),
    'a'.repeat(5_000),
    '00000000-0000-0000-0000-000000000000',
    '__proto__',
    'constructor',
    'recovery',
    'totp',
    'email',
  ),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(123456, -1, 0, 1e308, Number.MAX_SAFE_INTEGER),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Every UTF-8 byte percent-encoded; lone surrogates arrive as U+FFFD, as a client would send them. */
export function percentEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
    .join('');
}

/** What a rejected request must not change (the audit trail and attempt counters may grow). */
export async function snapshot(t: TestApp): Promise<unknown[]> {
  const dataSource = t.app.get(DataSource);
  const tables = [
    'users',
    'accounts',
    'email_factors',
    'totp_factors',
    'recovery_codes',
    'trusted_devices',
    'refresh_tokens',
    'account_policies',
    'login_challenges',
    'one_time_codes',
    'two_factor_preferences',
  ];
  return Promise.all(
    tables.map((table) => dataSource.query<unknown>(`SELECT * FROM ${table} ORDER BY 1`)),
  );
}
