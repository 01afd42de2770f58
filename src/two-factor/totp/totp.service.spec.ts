import jsQR from 'jsqr';
import nodeCrypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { base32ToBytes, totpCode } from '../../../test/support/independent-totp';
import { otpAtStep, type OtpParameters, TotpService } from './totp.service';

interface OtpVectors {
  totp: {
    time: number;
    algorithm: 'SHA1' | 'SHA256' | 'SHA512';
    secretAscii: string;
    digits: number;
    period: number;
    totp: string;
  }[];
  hotp: {
    secretAscii: string;
    algorithm: 'SHA1';
    digits: number;
    values: { counter: number; hotp: string }[];
  };
}

const vectors = JSON.parse(
  readFileSync(join(__dirname, '../../../test/fixtures/otp-vectors.json'), 'utf8'),
) as OtpVectors;

/** The vectors give ASCII seeds; the product only ever holds base32 secrets. */
function asciiToBase32(ascii: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...Buffer.from(ascii, 'ascii')].map((byte) => byte.toString(2).padStart(8, '0'));
  const chunks = bits.join('').match(/.{1,5}/g) ?? [];
  return chunks.map((chunk) => alphabet[parseInt(chunk.padEnd(5, '0'), 2)]).join('');
}

const STEP_MS = 30_000;
/** Mid-step, so the window tests do not depend on a boundary. */
const NOW_MS = 1_700_000_015_000;
const CURRENT_STEP = Math.floor(NOW_MS / STEP_MS);

/** A well-formed code that matches none of the three steps around NOW_MS. */
function wrongCode(secret: string): string {
  const accepted = new Set([-1, 0, 1].map((offset) => totpCode(secret, NOW_MS, offset)));
  let candidate = 0;
  while (accepted.has(String(candidate).padStart(6, '0'))) candidate++;
  return String(candidate).padStart(6, '0');
}

describe('TotpService', () => {
  const totp = new TotpService();
  const secret = totp.generateSecret();

  describe('RFC vectors', () => {
    const hotpSecret = asciiToBase32(vectors.hotp.secretAscii);

    it('T1: the test base32 encoder gives the RFC seed its well-known form', () => {
      expect(hotpSecret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    });

    it.each(vectors.totp)(
      'T1: RFC 6238 $algorithm at $time s gives $totp',
      ({ time, algorithm, secretAscii, digits, period, totp: expected }) => {
        const parameters = {
          algorithm: algorithm.toLowerCase() as OtpParameters['algorithm'],
          digits,
        };
        expect(otpAtStep(asciiToBase32(secretAscii), Math.floor(time / period), parameters)).toBe(
          expected,
        );
      },
    );

    it('T1: RFC 6238 SHA1 vectors pass through verify itself (last 6 of the 8 digits)', () => {
      const sha1 = vectors.totp.filter((vector) => vector.algorithm === 'SHA1');
      expect(sha1.length).toBeGreaterThan(0);
      for (const { time, secretAscii, totp: expected } of sha1) {
        const step = totp.verify(asciiToBase32(secretAscii), expected.slice(-6), time * 1000, null);
        expect(step).toBe(Math.floor(time / 30));
      }
    });

    it.each(vectors.hotp.values)(
      'T1: RFC 4226 HOTP counter $counter gives $hotp, and verify accepts it at that step',
      ({ counter, hotp }) => {
        expect(otpAtStep(hotpSecret, counter)).toBe(hotp);
        expect(totp.verify(hotpSecret, hotp, counter * STEP_MS, null)).toBe(counter);
      },
    );

    it('T1: the independent test generator matches the RFC 6238 SHA1 and RFC 4226 vectors', () => {
      for (const { time, algorithm, secretAscii, totp: expected } of vectors.totp) {
        if (algorithm === 'SHA1') {
          expect(totpCode(asciiToBase32(secretAscii), time * 1000)).toBe(expected.slice(-6));
        }
      }
      for (const { counter, hotp } of vectors.hotp.values) {
        expect(totpCode(hotpSecret, 0, counter)).toBe(hotp);
      }
    });
  });

  it('T2: a secret is 20 random bytes in unpadded base32, new each time', () => {
    const secrets = Array.from({ length: 5 }, () => totp.generateSecret());
    for (const generated of secrets) {
      expect(generated).toMatch(/^[A-Z2-7]{32}$/);
      expect(generated).not.toContain('=');
      expect(base32ToBytes(generated)).toHaveLength(20);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  describe('otpauth URI', () => {
    it('T3: has exactly the issuer-prefixed label, secret, issuer and SHA1/6/30', () => {
      const url = totp.otpauthUrl('Gatekeeper', 'alice@example.com', 'JBSWY3DPEHPK3PXP');
      expect(url).toBe(
        'otpauth://totp/Gatekeeper:alice%40example.com?secret=JBSWY3DPEHPK3PXP' +
          '&issuer=Gatekeeper&algorithm=SHA1&digits=6&period=30',
      );
      const parsed = new URL(url);
      expect(parsed.protocol).toBe('otpauth:');
      expect(parsed.host).toBe('totp');
      expect(decodeURIComponent(parsed.pathname)).toBe('/Gatekeeper:alice@example.com');
      expect(Object.fromEntries(parsed.searchParams)).toEqual({
        secret: 'JBSWY3DPEHPK3PXP',
        issuer: 'Gatekeeper',
        algorithm: 'SHA1',
        digits: '6',
        period: '30',
      });
    });

    it('T3: encodes an issuer with spaces, a colon or an ampersand so the label stays unambiguous', () => {
      const issuer = 'Acme: Co & Sons';
      const account = 'bob+2fa@example.com';
      const parsed = new URL(totp.otpauthUrl(issuer, account, secret));
      const label = parsed.pathname.slice(1).split(':');
      expect(label).toHaveLength(2);
      expect(label.map(decodeURIComponent)).toEqual([issuer, account]);
      expect(parsed.searchParams.get('issuer')).toBe(issuer);
      expect(parsed.searchParams.get('secret')).toBe(secret);
    });
  });

  it('QR: the data URL is a PNG that decodes back to exactly the otpauth URI', async () => {
    const url = totp.otpauthUrl('Acme: Co', 'carol@example.com', secret);
    const dataUrl = await totp.qrCodeDataUrl(url);
    expect(dataUrl).toMatch(/^data:image\/png;base64,/);
    const png = PNG.sync.read(Buffer.from(dataUrl.split(',')[1], 'base64'));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(url);
  });

  describe('verification window', () => {
    it('T4: accepts the current step and one step either side, answering the matched step', () => {
      for (const offset of [-1, 0, 1]) {
        expect(totp.verify(secret, totpCode(secret, NOW_MS, offset), NOW_MS, null)).toBe(
          CURRENT_STEP + offset,
        );
      }
    });

    it('T4: refuses a code two steps away in either direction', () => {
      expect(totp.verify(secret, totpCode(secret, NOW_MS, -2), NOW_MS, null)).toBeNull();
      expect(totp.verify(secret, totpCode(secret, NOW_MS, 2), NOW_MS, null)).toBeNull();
    });

    it('T4: the window follows step boundaries, not the distance in seconds', () => {
      const stepStart = CURRENT_STEP * STEP_MS;
      const code = totpCode(secret, stepStart);
      expect(totp.verify(secret, code, stepStart + 2 * STEP_MS - 1, null)).toBe(CURRENT_STEP);
      expect(totp.verify(secret, code, stepStart + 2 * STEP_MS, null)).toBeNull();
      expect(totp.verify(secret, code, stepStart - STEP_MS, null)).toBe(CURRENT_STEP);
      expect(totp.verify(secret, code, stepStart - STEP_MS - 1, null)).toBeNull();
    });

    it('T4: a wrong code is refused', () => {
      expect(totp.verify(secret, wrongCode(secret), NOW_MS, null)).toBeNull();
    });
  });

  describe('replay', () => {
    const current = totpCode(secret, NOW_MS);
    const previous = totpCode(secret, NOW_MS, -1);
    const next = totpCode(secret, NOW_MS, 1);

    it('T5: refuses a step equal to the last used one', () => {
      expect(totp.verify(secret, current, NOW_MS, CURRENT_STEP)).toBeNull();
    });

    it('T5: refuses a step below the last used one', () => {
      expect(totp.verify(secret, previous, NOW_MS, CURRENT_STEP)).toBeNull();
      expect(totp.verify(secret, previous, NOW_MS, CURRENT_STEP - 1)).toBeNull();
      expect(totp.verify(secret, current, NOW_MS, CURRENT_STEP + 1)).toBeNull();
    });

    it('T5: accepts a later step and answers the matched step, not the current one', () => {
      expect(totp.verify(secret, previous, NOW_MS, CURRENT_STEP - 2)).toBe(CURRENT_STEP - 1);
      expect(totp.verify(secret, current, NOW_MS, CURRENT_STEP - 1)).toBe(CURRENT_STEP);
      expect(totp.verify(secret, next, NOW_MS, CURRENT_STEP)).toBe(CURRENT_STEP + 1);
    });
  });

  describe('comparison', () => {
    afterEach(() => jest.restoreAllMocks());

    it.each([
      ['a right', () => totpCode(secret, NOW_MS, -1)],
      ['a wrong', () => wrongCode(secret)],
    ])('T8: %s code is compared with timingSafeEqual against every step', (_, code) => {
      const compare = jest.spyOn(nodeCrypto, 'timingSafeEqual');
      totp.verify(secret, code(), NOW_MS, null);
      // All three steps, even after the first one matched, so timing reveals no match.
      expect(compare).toHaveBeenCalledTimes(3);
      for (const [candidate, given] of compare.mock.calls) {
        expect([candidate.byteLength, given.byteLength]).toEqual([6, 6]);
      }
    });
  });

  describe('input format', () => {
    const valid = totpCode(secret, NOW_MS);
    const shift = (base: number) =>
      [...valid].map((digit) => String.fromCodePoint(base + Number(digit))).join('');
    const malformed: [string, unknown][] = [
      ['a number', Number(valid)],
      ['an array', [valid]],
      ['null', null],
      ['undefined', undefined],
      ['an object', { code: valid }],
      ['five digits', valid.slice(0, 5)],
      ['seven digits', `${valid}0`],
      ['a leading space', ` ${valid}`],
      ['a trailing newline', `${valid}\n`],
      ['full-width digits', shift(0xff10)],
      ['Arabic-Indic digits', shift(0x0660)],
      ['a letter', '12345a'],
      ['the empty string', ''],
    ];

    it('I1: the valid code itself is accepted (control)', () => {
      expect(totp.verify(secret, valid, NOW_MS, null)).toBe(CURRENT_STEP);
    });

    it.each(malformed)('I1: %s answers null without throwing', (_, input) => {
      expect(totp.verify(secret, input as string, NOW_MS, null)).toBeNull();
    });
  });
});
