import { Injectable, OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';

/** P1: argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane); argon2 runs on libuv's pool, off the event loop. */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class PasswordService implements OnModuleInit {
  /** Verified against when the email is unknown, so both failures cost the same (P3). */
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash('gatekeeper-timing-equaliser');
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  /** `hash` undefined means "no such user": the same work is done and the answer is false. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      const matches = await argon2.verify(hash ?? this.dummyHash, password);
      return matches && hash !== undefined;
    } catch {
      return false;
    }
  }
}
