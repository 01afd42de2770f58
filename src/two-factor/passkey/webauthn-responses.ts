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
  const response = credential && asObject(credential.response);
  if (!credential || !response) return undefined;
  const clientDataJSON = base64url(response.clientDataJSON);
  const attestationObject = base64url(response.attestationObject);
  if (!clientDataJSON || !attestationObject) return undefined;
  const transports = Array.isArray(response.transports)
    ? TRANSPORTS.filter((transport) => (response.transports as unknown[]).includes(transport))
    : [];
  return {
    id: credential.id,
    rawId: credential.id,
    type: 'public-key',
    response: { clientDataJSON, attestationObject, transports },
    clientExtensionResults: {},
  };
}

export function readAssertion(value: unknown): AuthenticationResponseJSON | undefined {
  const credential = readCredential(value);
  const response = credential && asObject(credential.response);
  if (!credential || !response) return undefined;
  const clientDataJSON = base64url(response.clientDataJSON);
  const authenticatorData = base64url(response.authenticatorData);
  const signature = base64url(response.signature);
  const userHandle = response.userHandle == null ? undefined : base64url(response.userHandle);
  if (!clientDataJSON || !authenticatorData || !signature) return undefined;
  if (response.userHandle != null && !userHandle) return undefined;
  return {
    id: credential.id,
    rawId: credential.id,
    type: 'public-key',
    response: { clientDataJSON, authenticatorData, signature, userHandle },
    clientExtensionResults: {},
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

function readCredential(value: unknown) {
  const credential = asObject(value);
  const id = base64url(credential?.id);
  if (!credential || !id || id.length > CREDENTIAL_ID_MAX_LENGTH) return undefined;
  if (credential.rawId !== id || credential.type !== 'public-key') return undefined;
  return { id, response: credential.response };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function base64url(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && BASE64URL.test(value) ? value : undefined;
}
