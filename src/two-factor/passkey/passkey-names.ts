/**
 * Names for the authenticators people use most, by AAGUID (from the community list at
 * github.com/passkeydeveloper/passkey-authenticator-aaguids). Short on purpose: anything else
 * is "Passkey n", which the user can rename.
 */
const AUTHENTICATOR_NAMES: Readonly<Record<string, string>> = {
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4': 'Google Password Manager',
  'adce0002-35bc-c60a-648b-0b25f1f05503': 'Chrome on Mac',
  'fbfc3007-154e-4ecc-8c0b-6e020557d7bd': 'iCloud Keychain',
  'dd4ec289-e01d-41c9-bb89-70fa845d4bf2': 'iCloud Keychain (Managed)',
  '08987058-cadc-4b81-b6e1-30de50dcbe96': 'Windows Hello',
  '9ddd1817-af5a-4672-a2b9-3e3dd95000a9': 'Windows Hello',
  '6028b017-b1d4-4c02-b4b3-afcdafc96bb2': 'Windows Hello',
  'bada5566-a7aa-401f-bd96-45619a55120d': '1Password',
  'd548826e-79b4-db40-a3d8-11116f7e8349': 'Bitwarden',
  '53414d53-554e-4700-0000-000000000000': 'Samsung Pass',
};

/** The model's name when it is known and free, else the first free "<name or Passkey> n". */
export function defaultPasskeyName(aaguid: string, taken: readonly string[]): string {
  const known = AUTHENTICATOR_NAMES[aaguid.toLowerCase()];
  if (known && !taken.includes(known)) return known;
  const base = known ?? 'Passkey';
  let n = known ? 2 : 1;
  while (taken.includes(`${base} ${n}`)) n++;
  return `${base} ${n}`;
}
