import { createHmac } from 'node:crypto';

/**
 * RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) written from the RFCs with node:crypto only,
 * so tests can check the product's codes against something that shares none of its code.
 */
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (padding optional) to bytes; trailing bits that do not fill a byte are dropped. */
export function base32ToBytes(base32: string): Buffer {
  const bits = [...base32.replace(/=+$/, '')]
    .map((char) => {
      const value = BASE32_ALPHABET.indexOf(char);
      if (value < 0) throw new Error(`Not a base32 character: ${char}`);
      return value.toString(2).padStart(5, '0');
    })
    .join('');
  return Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)));
}

export function totpCode(base32Secret: string, nowMs: number, stepOffset = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(nowMs / 30_000) + stepOffset));
  const mac = createHmac('sha1', base32ToBytes(base32Secret)).update(counter).digest();
  // RFC 4226 §5.3 dynamic truncation: 31 bits read at the offset named by the last nibble.
  const binary = mac.readUInt32BE(mac[mac.length - 1] & 0x0f) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}
