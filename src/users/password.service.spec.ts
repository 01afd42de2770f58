import { PasswordService } from './password.service';

describe('PasswordService', () => {
  const passwords = new PasswordService();

  beforeAll(() => passwords.onModuleInit());

  it('P1: hashes with argon2id, m = 19 MiB, t = 2, p = 1', async () => {
    const hash = await passwords.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwords.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await passwords.verify(hash, 'correct horse battery stapler')).toBe(false);
  });

  it('P1: hashes off the event loop: timers keep firing while four hashes run', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    await Promise.all(Array.from({ length: 4 }, (_, i) => passwords.hash(`password-${i}`)));
    const elapsed = Date.now() - started;
    clearInterval(timer);
    // A blocked loop would tick at most once; a free one about elapsed / 5 times.
    expect(ticks).toBeGreaterThan(elapsed / 5 / 4);
    expect(ticks).toBeGreaterThan(3);
  });

  it('P2: no truncation: passwords differing after byte 72 differ', async () => {
    const hash = await passwords.hash(`${'a'.repeat(72)}first`);
    expect(await passwords.verify(hash, `${'a'.repeat(72)}other`)).toBe(false);
  });

  it('P3: an unknown user costs a real verification and answers false', async () => {
    const started = process.hrtime.bigint();
    expect(await passwords.verify(undefined, 'anything')).toBe(false);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    // An argon2id verification at these parameters takes milliseconds, never microseconds.
    expect(elapsedMs).toBeGreaterThan(2);
  });

  it('answers false, not an exception, for a malformed stored hash', async () => {
    expect(await passwords.verify('not-a-hash', 'anything')).toBe(false);
  });
});
