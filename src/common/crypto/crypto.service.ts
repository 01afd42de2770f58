import { Inject, Injectable } from '@nestjs/common';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';

const CIPHER = 'aes-256-gcm';
const FORMAT_VERSION = 'v1';

/**
 * Every secret in Gatekeeper goes through here: keyed hashes for codes and tokens,
 * AES-256-GCM for secrets that must be read back, and constant-time comparison.
 * Separate keys are derived from ENCRYPTION_KEY so one use can never stand for another.
 */
@Injectable()
export class CryptoService {
  private readonly hmacKey: Buffer;
  private readonly encryptionKey: Buffer;
  /** Stored beside each ciphertext so a future key rotation knows which key to use. */
  readonly keyId: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.hmacKey = derive(config.encryptionKey, 'gatekeeper:hmac');
    this.encryptionKey = derive(config.encryptionKey, 'gatekeeper:aes-256-gcm');
    this.keyId = createHash('sha256').update(this.encryptionKey).digest('hex').slice(0, 8);
  }

  /** Keyed hash for values that are only ever compared, never read back (codes, tokens). */
  hash(value: string): string {
    return createHmac('sha256', this.hmacKey).update(value).digest('base64url');
  }

  /** Opaque bearer token with 256 bits of entropy. */
  randomToken(): string {
    return randomBytes(32).toString('base64url');
  }

  /** A numeric code of `digits` digits, uniformly drawn. */
  randomDigits(digits: number): string {
    return this.randomString('0123456789', digits);
  }

  /** `length` characters drawn uniformly from `alphabet` with crypto.randomInt. */
  randomString(alphabet: string, length: number): string {
    return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
  }

  /** Constant-time equality for strings of any length. */
  safeEqual(a: string, b: string): boolean {
    const left = createHash('sha256').update(a).digest();
    const right = createHash('sha256').update(b).digest();
    return timingSafeEqual(left, right) && a.length === b.length;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(CIPHER, this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      FORMAT_VERSION,
      this.keyId,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join(':');
  }

  decrypt(sealed: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split(':');
    if (
      version !== FORMAT_VERSION ||
      keyId !== this.keyId ||
      !iv ||
      !tag ||
      ciphertext === undefined
    ) {
      throw new Error(`Cannot decrypt: unknown format or key id ${keyId}`);
    }
    const decipher = createDecipheriv(CIPHER, this.encryptionKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}

function derive(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32));
}
