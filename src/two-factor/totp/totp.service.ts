import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { generateSecret, generateSync, type HashAlgorithm } from 'otplib';
import { toDataURL } from 'qrcode';

/** SHA-1, 6 digits, 30 s: the only combination every authenticator app honours (T3). */
const AUTHENTICATOR: OtpParameters = { algorithm: 'sha1', digits: 6 };
const PERIOD_SECONDS = 30;
/** RFC 4226 R6 asks for 160 bits; stated here rather than relying on otplib's default (T2). */
const SECRET_BYTES = 20;
/** Steps accepted on each side of the current one, for clock drift and typing time (T4). */
const WINDOW_STEPS = 1;
/**
 * Exactly six ASCII digits (I1): in JavaScript `\d` is [0-9] only, so Unicode digits fail,
 * and `$` without the `m` flag does not tolerate a trailing newline.
 */
const CODE_FORMAT = /^\d{6}$/;

export interface OtpParameters {
  algorithm: HashAlgorithm;
  digits: number;
}

/**
 * RFC 4226 HOTP of `step` for a base32 secret. RFC 6238 TOTP is this with step =
 * floor(unix seconds / 30), which is how `TotpService.verify` uses it; the parameters
 * exist so the RFC vectors (SHA-256/512, 8 digits) exercise this same code path.
 */
export function otpAtStep(
  secret: string,
  step: number,
  parameters: OtpParameters = AUTHENTICATOR,
): string {
  return generateSync({ strategy: 'hotp', secret, counter: step, ...parameters });
}

/** TOTP (RFC 6238) for authenticator apps: secrets, enrolment URI and QR code, verification. */
@Injectable()
export class TotpService {
  /** 20 random bytes as unpadded base32, the form authenticator apps expect. */
  generateSecret(): string {
    return generateSecret({ length: SECRET_BYTES });
  }

  /**
   * Built by hand rather than with otplib's `generateURI`, which leaves out the default
   * algorithm/digits/period (T3 wants them explicit) and does not encode a colon in the
   * issuer, making the `Issuer:account` label ambiguous.
   */
  otpauthUrl(issuer: string, accountName: string, secret: string): string {
    const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
    const query = [
      `secret=${encodeURIComponent(secret)}`,
      `issuer=${encodeURIComponent(issuer)}`,
      `algorithm=${AUTHENTICATOR.algorithm.toUpperCase()}`,
      `digits=${AUTHENTICATOR.digits}`,
      `period=${PERIOD_SECONDS}`,
    ].join('&');
    return `otpauth://totp/${label}?${query}`;
  }

  qrCodeDataUrl(otpauthUrl: string): Promise<string> {
    return toDataURL(otpauthUrl, { type: 'image/png', errorCorrectionLevel: 'M' });
  }

  /**
   * Checks `code` against the steps around `nowMs` and answers the matched time step, to be
   * stored as the new last used step, or null. Steps at or below `lastUsedStep` never match,
   * so a code cannot be replayed (T5). Malformed input answers null, never throws (I1); a
   * corrupt stored secret does throw, as it is a server fault and not a wrong code.
   *
   * Candidates are compared here with node's `timingSafeEqual` (T8) rather than through
   * otplib's `verify`: its comparison is only a best-effort XOR loop in JavaScript, it stops
   * at the first matching step, and it throws on malformed tokens. Every candidate is
   * compared, so timing tells neither whether nor where a match occurred.
   */
  verify(secret: string, code: string, nowMs: number, lastUsedStep: number | null): number | null {
    // `code` may come from an untyped request body: numbers or arrays must not reach the regex.
    if (typeof code !== 'string' || !CODE_FORMAT.test(code)) {
      return null;
    }
    const given = Buffer.from(code, 'ascii');
    const currentStep = Math.floor(nowMs / (PERIOD_SECONDS * 1000));
    let matchedStep: number | null = null;
    for (let step = currentStep - WINDOW_STEPS; step <= currentStep + WINDOW_STEPS; step++) {
      // HOTP counters cannot be negative; only reachable with a clock at the epoch.
      if (step < 0) {
        continue;
      }
      const candidate = Buffer.from(otpAtStep(secret, step), 'ascii');
      const equal = timingSafeEqual(candidate, given);
      const fresh = lastUsedStep === null || step > lastUsedStep;
      if (equal && fresh && matchedStep === null) {
        matchedStep = step;
      }
    }
    return matchedStep;
  }
}
