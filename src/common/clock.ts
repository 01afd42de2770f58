import { Injectable } from '@nestjs/common';

/** The one source of "now", so tests can drive expiry without sleeping. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}
