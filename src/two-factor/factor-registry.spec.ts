import type { EntityManager } from 'typeorm';
import { FactorRegistry, METHOD_FACTORS, TWO_FACTOR_METHODS } from './factor-registry';
import type { RecoveryCodesService } from './recovery/recovery-codes.service';
import type { SecondFactor, VerifyOutcome } from './second-factor';

/** A third method as docs/extending.md builds one: anything that keeps the SecondFactor contract. */
class SmsFactor implements SecondFactor {
  readonly name = 'sms';
  readonly label = 'text messages';
  readonly removed: string[] = [];
  constructor(private readonly enabledFor: Set<string>) {}
  start(): Promise<string> {
    return Promise.resolve('+44 •••• 1234');
  }
  verify(_userId: string, _challengeId: string, code: string): Promise<VerifyOutcome> {
    return Promise.resolve(code === '424242' ? 'accepted' : 'invalid');
  }
  isEnabled(_manager: EntityManager, userId: string): Promise<boolean> {
    return Promise.resolve(this.enabledFor.has(userId));
  }
  remove(_manager: EntityManager, userId: string): Promise<void> {
    this.removed.push(userId);
    return Promise.resolve();
  }
}

describe('FactorRegistry', () => {
  const manager = {} as EntityManager;
  const recovery = { name: 'recovery', remove: jest.fn() } as unknown as RecoveryCodesService;

  it('names the methods from their registration, strongest first (E6)', () => {
    expect(TWO_FACTOR_METHODS).toEqual(METHOD_FACTORS.map((factor) => factor.method));
    expect(TWO_FACTOR_METHODS).toEqual(['totp', 'email']);
  });

  it('takes a new method with nothing but its registration: asked, checked, listed, removed', async () => {
    const sms = new SmsFactor(new Set(['ada']));
    const registry = new FactorRegistry([sms], recovery);
    const asked = registry.get('sms' as never);
    expect(asked).toBe(sms);
    expect(await asked.start('ada', 'challenge')).toBe('+44 •••• 1234');
    expect(await asked.verify('ada', 'challenge', '424242')).toBe('accepted');
    expect(await asked.verify('ada', 'challenge', '000000')).toBe('invalid');
    expect(await registry.enabledMethods(manager, 'ada')).toEqual(['sms']);
    expect(await registry.enabledMethods(manager, 'bob')).toEqual([]);
    await registry.removeAll(manager, 'ada');
    expect(sms.removed).toEqual(['ada']);
    expect(registry.get('recovery')).toBe(recovery);
  });
});
