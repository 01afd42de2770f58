import { Clock } from 'src/common/clock';

/** A clock the test moves by hand; starts at the real now. */
export class FakeClock extends Clock {
  private current = Date.now();

  override now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}
