import { defaultPasskeyName } from './passkey-names';

const ICLOUD = 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd';
const UNKNOWN = '00000000-0000-0000-0000-000000000000';

describe('defaultPasskeyName', () => {
  it("names a well-known authenticator after its AAGUID, whatever the letters' case", () => {
    expect(defaultPasskeyName(ICLOUD, [])).toBe('iCloud Keychain');
    expect(defaultPasskeyName(ICLOUD.toUpperCase(), [])).toBe('iCloud Keychain');
  });

  it('numbers a second one of the same kind', () => {
    expect(defaultPasskeyName(ICLOUD, ['iCloud Keychain'])).toBe('iCloud Keychain 2');
    expect(defaultPasskeyName(ICLOUD, ['iCloud Keychain', 'iCloud Keychain 2'])).toBe(
      'iCloud Keychain 3',
    );
  });

  it('calls anything else "Passkey n", taking the first number not in use', () => {
    expect(defaultPasskeyName(UNKNOWN, [])).toBe('Passkey 1');
    expect(defaultPasskeyName(UNKNOWN, ['Passkey 1', 'Work key'])).toBe('Passkey 2');
    expect(defaultPasskeyName(UNKNOWN, ['Passkey 2'])).toBe('Passkey 1');
  });
});
