import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { CREDENTIAL_ID_MAX_LENGTH } from './passkey-credential.entity';

/*
 * What a client sends is untrusted JSON: these read only the fields WebAuthn defines, as
 * strings of the right form, into fresh objects, so malformed input answers `invalid` instead
 * of reaching the library (or the database) as something else. Bodies are bounded by the
 * route's size limit; a credential id longer than the column is refused here.
 */

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'];

export function readRegistration(value: unknown): RegistrationResponseJSON | undefined {
  const credential = readCredential(value);
  const attestationObject = base64url(credential?.response.attestationObject);
  if (!credential || !attestationObject) return undefined;
  const given = credential.response.transports;
  const transports = Array.isArray(given) ? TRANSPORTS.filter((name) => given.includes(name)) : [];
  return {
    ...credential.envelope,
    response: { clientDataJSON: credential.clientDataJSON, attestationObject, transports },
  };
}

export function readAssertion(value: unknown): AuthenticationResponseJSON | undefined {
  const credential = readCredential(value);
  if (!credential) return undefined;
  const { response, clientDataJSON } = credential;
  const authenticatorData = base64url(response.authenticatorData);
  const signature = base64url(response.signature);
  // A credential that is not discoverable has no user handle: null, left out, or (from some
  // client libraries) an empty string.
  const given = response.userHandle === '' ? undefined : response.userHandle;
  const userHandle = given == null ? undefined : base64url(given);
  if (!authenticatorData || !signature) return undefined;
  if (given != null && !userHandle) return undefined;
  return {
    ...credential.envelope,
    response: { clientDataJSON, authenticatorData, signature, userHandle },
  };
}

/** The challenge the client says it signed, read without trusting anything else in it. */
export function challengeOf(response: {
  response: { clientDataJSON: string };
}): string | undefined {
  try {
    const clientData: unknown = JSON.parse(
      Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8'),
    );
    const challenge = asObject(clientData)?.challenge;
    return typeof challenge === 'string' && challenge.length <= 64 ? challenge : undefined;
  } catch {
    return undefined;
  }
}

/** What registration and assertion answers share: the id, and the signed client data. */
function readCredential(value: unknown) {
  const credential = asObject(value);
  const id = unpadded(base64url(credential?.id));
  const response = asObject(credential?.response);
  const clientDataJSON = base64url(response?.clientDataJSON);
  if (!credential || !id || id.length > CREDENTIAL_ID_MAX_LENGTH || !response || !clientDataJSON) {
    return undefined;
  }
  if (unpadded(base64url(credential.rawId)) !== id || credential.type !== 'public-key') {
    return undefined;
  }
  const envelope = { id, rawId: id, type: 'public-key' as const, clientExtensionResults: {} };
  return { envelope, response, clientDataJSON };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The id as browsers write it: without the `=` padding some encoders add (Java's, by default),
 * so a padded id names the same credential.
 */
function unpadded(value: string | undefined): string | undefined {
  return value?.replace(/=+$/, '');
}

function base64url(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && BASE64URL.test(value) ? value : undefined;
}
