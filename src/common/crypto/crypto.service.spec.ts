import { timingSafeEqual } from 'node:crypto';
import { loadConfig } from 'src/config/app-config';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CryptoService } from './crypto.service';

// Calls through to node's own, so a test can see which comparisons go through it (T8).
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const config = (key: string) =>
  loadConfig({
    GATEKEEPER_VAR_DIR: mkdtempSync(join(tmpdir(), 'gk-crypto-')),
    ENCRYPTION_KEY: key,
    JWT_SECRET: 'j'.repeat(43),
  });

describe('CryptoService', () => {
  const crypto = new CryptoService(config('k'.repeat(43)));

  it('round-trips AES-256-GCM ciphertext tagged with its key id', () => {
    const sealed = crypto.encrypt('JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(sealed.split(':')[1]).toBe(crypto.keyId);
    expect(crypto.decrypt(sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(crypto.encrypt('JBSWY3DPEHPK3PXP')).not.toBe(sealed);
  });

  it('refuses tampered ciphertext and another key', () => {
    const sealed = crypto.encrypt('secret');
    const parts = sealed.split(':');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => crypto.decrypt(parts.join(':'))).toThrow();
    expect(() => new CryptoService(config('z'.repeat(43))).decrypt(sealed)).toThrow(/key id/);
  });

  it('hashes with a key: same input same hash, another key another hash', () => {
    expect(crypto.hash('123456')).toBe(crypto.hash('123456'));
    expect(crypto.hash('123456')).not.toBe(crypto.hash('123457'));
    expect(new CryptoService(config('z'.repeat(43))).hash('123456')).not.toBe(
      crypto.hash('123456'),
    );
  });

  it('draws codes of exactly the requested digits and 256-bit tokens', () => {
    for (let i = 0; i < 200; i++) expect(crypto.randomDigits(6)).toMatch(/^\d{6}$/);
    expect(Buffer.from(crypto.randomToken(), 'base64url')).toHaveLength(32);
  });

  it('compares strings of any length without throwing', () => {
    expect(crypto.safeEqual('123456', '123456')).toBe(true);
    expect(crypto.safeEqual('123456', '123457')).toBe(false);
    expect(crypto.safeEqual('123456', '1234567')).toBe(false);
    expect(crypto.safeEqual('', '')).toBe(true);
  });

  it('T8: compares through timingSafeEqual over fixed-length digests, whatever the inputs', () => {
    const timingSafe = jest.mocked(timingSafeEqual);
    timingSafe.mockClear();
    expect(crypto.safeEqual('123456', '654321')).toBe(false);
    expect(crypto.safeEqual('short', 'a much longer string')).toBe(false);
    expect(timingSafe).toHaveBeenCalledTimes(2);
    for (const [left, right] of timingSafe.mock.calls as [Buffer, Buffer][]) {
      expect(left.length).toBe(32);
      expect(right.length).toBe(32);
    }
  });
});
