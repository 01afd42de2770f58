import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import * as x509 from '@peculiar/x509';
import {
  createHash,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  sign,
  webcrypto,
} from 'node:crypto';

/** COSE: ES256 is ECDSA over P-256 with SHA-256 (RFC 9053). */
const ES256 = -7;
const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;
const NO_AAGUID = '00000000-0000-0000-0000-000000000000';

export interface AuthenticatorSettings {
  /** The page the browser runs on, written into clientDataJSON. */
  origin: string;
  /** Reported at registration; all zeros (as with attestation `none`) unless set. */
  aaguid?: string;
  /**
   * `packed` is self-attestation: signed with the new credential's own key. `fido-u2f` is what a
   * U2F security key sends, signed by its attestation certificate's key (`u2fAttestation`).
   */
  attestation?: 'none' | 'packed' | 'fido-u2f';
  /** For `fido-u2f`: the batch certificate and its key (`u2fAttestationCertificate()`). */
  u2fAttestation?: AttestationCertificate;
  /** Whether it can verify the user (PIN, biometrics); when false UV is never set. */
  userVerification?: boolean;
  /** `counting` (the default) adds one per signature; `zero` always reports 0, like many passkeys. */
  counter?: 'counting' | 'zero';
  /** Keeps credentials with their user handle, so they serve passwordless sign-in. */
  discoverable?: boolean;
  /** A synced passkey (backup eligible and backed up) rather than a device-bound key. */
  synced?: boolean;
  transports?: string[];
}

/** Per ceremony: what a different, broken or hostile client would send instead. */
export interface CeremonyOverrides {
  origin?: string;
  /** The RP id whose hash goes into authenticatorData (the browser uses the options' one). */
  rpId?: string;
  userPresent?: boolean;
  userVerified?: boolean;
  /** The signature counter to report this once, e.g. one lower than before. */
  counter?: number;
  /**
   * At sign-in, which of this authenticator's credentials to use (the first allowed one
   * otherwise); at registration, an id to reuse for the new key, as a cloned key would.
   */
  credentialId?: string;
  /** The user handle to report instead of the stored one (`null`: left out). */
  userHandle?: string | null;
}

export interface AttestationCertificate {
  der: Buffer;
  privateKey: KeyObject;
}

/** A self-signed P-256 certificate, as a U2F key's batch attestation certificate is. */
export async function u2fAttestationCertificate(): Promise<AttestationCertificate> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  x509.cryptoProvider.set(webcrypto as Crypto);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Software U2F Attestation',
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: algorithm,
    keys,
  });
  return {
    der: Buffer.from(certificate.rawData),
    privateKey: KeyObject.from(keys.privateKey),
  };
}

export interface SoftwareCredential {
  id: string;
  rpId: string;
  /** base64url, as in the options' `user.id`. */
  userHandle: string;
  discoverable: boolean;
  privateKey: KeyObject;
  counter: number;
}

/**
 * A WebAuthn authenticator and browser in one, in software: it answers the JSON options that
 * @simplewebauthn/server makes with the JSON a browser would send (RegistrationResponseJSON,
 * AuthenticationResponseJSON). Keys are P-256 from node:crypto, signatures DER as WebAuthn
 * wants; CBOR is encoded with the one the server library ships (tiny-cbor, through its helpers),
 * which writes maps and byte strings as authenticators do.
 */
export class SoftwareAuthenticator {
  readonly credentials: SoftwareCredential[] = [];
  private readonly settings: Required<Omit<AuthenticatorSettings, 'u2fAttestation'>> &
    Pick<AuthenticatorSettings, 'u2fAttestation'>;

  constructor(settings: AuthenticatorSettings) {
    this.settings = {
      aaguid: NO_AAGUID,
      attestation: 'none',
      userVerification: true,
      counter: 'counting',
      discoverable: true,
      synced: false,
      transports: ['internal', 'hybrid'],
      ...settings,
    };
  }

  /** navigator.credentials.create(): a new key pair for the options' RP and user. */
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides: CeremonyOverrides = {},
  ): RegistrationResponseJSON {
    if (!options.pubKeyCredParams.some((param) => param.alg === ES256)) {
      throw new Error('NotSupportedError: the server does not accept ES256');
    }
    const excluded = new Set(options.excludeCredentials?.map((descriptor) => descriptor.id));
    if (this.credentials.some((credential) => excluded.has(credential.id))) {
      throw new Error('InvalidStateError: this authenticator already holds a listed credential');
    }
    const rpId = options.rp.id ?? new URL(this.settings.origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = overrides.credentialId
      ? Buffer.from(overrides.credentialId, 'base64url')
      : randomBytes(32);
    const credential: SoftwareCredential = {
      id: id.toString('base64url'),
      rpId,
      userHandle: options.user.id,
      discoverable: this.settings.discoverable,
      privateKey,
      counter: 0,
    };
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, overrides);
    const attestedCredential = Buffer.concat([
      Buffer.from(this.settings.aaguid.replace(/-/g, ''), 'hex'),
      uint16(id.length),
      id,
      Buffer.from(isoCBOR.encode(coseKey(publicKey))),
    ]);
    const authenticatorData = this.authenticatorData(
      overrides.rpId ?? rpId,
      this.flags(options.authenticatorSelection?.userVerification, overrides) | FLAG.AT,
      this.nextCounter(credential, overrides),
      attestedCredential,
    );
    const attestationStatement = new Map<string, number | Uint8Array | Uint8Array[]>();
    if (this.settings.attestation === 'packed') {
      attestationStatement.set('alg', ES256);
      attestationStatement.set('sig', signed(privateKey, authenticatorData, clientDataJSON));
    }
    if (this.settings.attestation === 'fido-u2f') {
      const batch = this.settings.u2fAttestation;
      if (!batch) throw new Error('fido-u2f needs u2fAttestation (u2fAttestationCertificate())');
      attestationStatement.set('sig', u2fSignature(batch, rpId, clientDataJSON, id, publicKey));
      attestationStatement.set('x5c', [batch.der]);
    }
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, number | Uint8Array | Uint8Array[]>>([
        ['fmt', this.settings.attestation],
        ['attStmt', attestationStatement],
        ['authData', authenticatorData],
      ]),
    );
    this.credentials.push(credential);
    return asJson(credential, {
      clientDataJSON: clientDataJSON.toString('base64url'),
      attestationObject: Buffer.from(attestationObject).toString('base64url'),
      transports: this.settings.transports,
    });
  }

  /**
   * navigator.credentials.get(): signs the challenge with an allowed credential, or, with no
   * list (passwordless), with a discoverable one for the RP, returning its user handle.
   */
  assert(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: CeremonyOverrides = {},
  ): AuthenticationResponseJSON {
    const rpId = options.rpId ?? new URL(this.settings.origin).hostname;
    const credential = this.pick(rpId, options, overrides.credentialId);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, overrides);
    const authenticatorData = this.authenticatorData(
      overrides.rpId ?? rpId,
      this.flags(options.userVerification, overrides),
      this.nextCounter(credential, overrides),
    );
    const userHandle =
      overrides.userHandle !== undefined
        ? overrides.userHandle
        : credential.discoverable
          ? credential.userHandle
          : null;
    return asJson(credential, {
      clientDataJSON: clientDataJSON.toString('base64url'),
      authenticatorData: authenticatorData.toString('base64url'),
      signature: signed(credential.privateKey, authenticatorData, clientDataJSON).toString(
        'base64url',
      ),
      ...(userHandle === null ? {} : { userHandle }),
    });
  }

  private pick(
    rpId: string,
    options: PublicKeyCredentialRequestOptionsJSON,
    wanted: string | undefined,
  ): SoftwareCredential {
    const allowed = options.allowCredentials?.length
      ? new Set(options.allowCredentials.map((descriptor) => descriptor.id))
      : undefined;
    const credential = this.credentials.find(
      (candidate) =>
        candidate.rpId === rpId &&
        (wanted ? candidate.id === wanted : true) &&
        (allowed ? allowed.has(candidate.id) : candidate.discoverable),
    );
    if (!credential) throw new Error('NotAllowedError: no credential for these options');
    return credential;
  }

  private clientData(type: string, challenge: string, overrides: CeremonyOverrides): Buffer {
    const origin = overrides.origin ?? this.settings.origin;
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  /** UP unless withheld; UV when the authenticator can and the RP did not discourage it. */
  private flags(asked: string | undefined, overrides: CeremonyOverrides): number {
    const present = overrides.userPresent ?? true;
    const verified =
      overrides.userVerified ?? (this.settings.userVerification && asked !== 'discouraged');
    const backup = this.settings.synced ? FLAG.BE | FLAG.BS : 0;
    return (present ? FLAG.UP : 0) | (verified ? FLAG.UV : 0) | backup;
  }

  private nextCounter(credential: SoftwareCredential, overrides: CeremonyOverrides): number {
    if (overrides.counter !== undefined) return (credential.counter = overrides.counter);
    if (this.settings.counter === 'zero') return 0;
    return ++credential.counter;
  }

  private authenticatorData(
    rpId: string,
    flags: number,
    counter: number,
    attestedCredential: Buffer = Buffer.alloc(0),
  ): Buffer {
    const signCount = Buffer.alloc(4);
    signCount.writeUInt32BE(counter);
    return Buffer.concat([
      createHash('sha256').update(rpId).digest(),
      Buffer.from([flags]),
      signCount,
      attestedCredential,
    ]);
  }
}

/** The PublicKeyCredential as a browser serializes it (its toJSON()). */
function asJson<Response>(credential: SoftwareCredential, response: Response) {
  return {
    id: credential.id,
    rawId: credential.id,
    type: 'public-key' as const,
    response,
    authenticatorAttachment: 'platform' as const,
    clientExtensionResults: {},
  };
}

/** The signature WebAuthn defines: over authenticatorData followed by SHA-256(clientDataJSON). */
function signed(privateKey: KeyObject, authenticatorData: Buffer, clientDataJSON: Buffer): Buffer {
  const clientDataHash = createHash('sha256').update(clientDataJSON).digest();
  return sign('sha256', Buffer.concat([authenticatorData, clientDataHash]), privateKey);
}

/**
 * FIDO U2F's attestation signature (WebAuthn 8.6): the batch key signs 0x00, the RP id's hash,
 * the client data's hash, the credential id and the raw public key (0x04 || x || y).
 */
function u2fSignature(
  batch: AttestationCertificate,
  rpId: string,
  clientDataJSON: Buffer,
  credentialId: Buffer,
  publicKey: KeyObject,
): Buffer {
  const { x, y } = publicKey.export({ format: 'jwk' });
  const signedData = Buffer.concat([
    Buffer.from([0x00]),
    createHash('sha256').update(rpId).digest(),
    createHash('sha256').update(clientDataJSON).digest(),
    credentialId,
    Buffer.from([0x04]),
    Buffer.from(x!, 'base64url'),
    Buffer.from(y!, 'base64url'),
  ]);
  return sign('sha256', signedData, batch.privateKey);
}

/** The public key as a COSE_Key map: kty EC2, alg ES256, crv P-256, x, y. */
function coseKey(publicKey: KeyObject): Map<number, number | Uint8Array> {
  const { x, y } = publicKey.export({ format: 'jwk' });
  return new Map<number, number | Uint8Array>([
    [1, 2],
    [3, ES256],
    [-1, 1],
    [-2, Buffer.from(x!, 'base64url')],
    [-3, Buffer.from(y!, 'base64url')],
  ]);
}

function uint16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}
