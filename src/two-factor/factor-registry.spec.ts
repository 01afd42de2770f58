import { FactorRegistry, METHOD_FACTORS, TWO_FACTOR_METHODS } from './factor-registry';
import type { RecoveryCodesService } from './recovery/recovery-codes.service';
import type { SecondFactorMethod } from './second-factor';
import type { TemporaryAccessCodesService } from './temporary/temporary-access-codes.service';

/** Only what the registry decides by itself; a method's whole life runs in test/factor-contract. */
describe('FactorRegistry', () => {
  const recovery = { name: 'recovery' } as RecoveryCodesService;
  const temporary = { name: 'temporary' } as TemporaryAccessCodesService;
  const named = (...names: string[]) =>
    names.map((name) => ({ name }) as unknown as SecondFactorMethod);

  it('E6: names the built-in methods from their registration, strongest first', () => {
    expect(TWO_FACTOR_METHODS).toEqual(METHOD_FACTORS.map((factor) => factor.method));
    expect(TWO_FACTOR_METHODS).toEqual(['passkey', 'totp', 'email']);
  });

  it.each([
    ['a status-map key', 'required'],
    ['recovery codes’ name', 'recovery'],
    ['temporary codes’ name', 'temporary'],
    ['upper case', 'Passkey'],
    ['a slash', 'pass/key'],
    ['more than 16 characters', 'a-very-long-method-name'],
  ])('refuses to start with a method named with %s', (_, name) => {
    expect(() => new FactorRegistry(named('totp', name), recovery, temporary)).toThrow(
      /cannot be named/,
    );
  });

  it('refuses two methods of one name', () => {
    expect(() => new FactorRegistry(named('totp', 'totp'), recovery, temporary)).toThrow(
      /share a name/,
    );
  });

  it('answers 404 NOT_FOUND for a name no method has, and recovery codes by their name', () => {
    const registry = new FactorRegistry(named('totp', 'fake-otp'), recovery, temporary);
    expect(registry.names).toEqual(['totp', 'fake-otp']);
    expect(registry.factor('recovery')).toBe(recovery);
    expect(() => registry.method('sms')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
