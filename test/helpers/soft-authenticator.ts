import { createHash, createSign, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { type CBORType, encodeCBOR } from '@levischuck/tiny-cbor';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/**
 * The parts of `PublicKeyCredentialCreationOptionsJSON` (what `generateRegistrationOptions`
 * returns, and what Bulwark sends to the browser) that the authenticator reads.
 */
export interface SoftCreationOptions {
  rp: { id?: string; name?: string };
  user: { id: string; name?: string; displayName?: string };
  challenge: string;
}

/** The parts of `PublicKeyCredentialRequestOptionsJSON` that the authenticator reads. */
export interface SoftRequestOptions {
  challenge: string;
  rpId?: string;
}

export interface SoftAuthenticateOverrides {
  /** Sign for this RP ID instead of `options.rpId` / the registered one (authData's rpIdHash). */
  rpId?: string;
  /** Put this challenge in clientDataJSON instead of `options.challenge`. */
  challenge?: string;
  /** Put exactly this counter in authData; the stored `signCount` is then left unchanged. */
  counter?: number;
  /** Return this user handle (base64url) instead of the registered user id. */
  userHandle?: string;
}

export interface SoftAuthenticator {
  /** The credential ID (base64url) once `register` has run, else null. */
  credentialId: string | null;
  /** The counter last put into authData (0 after registration). */
  signCount: number;
  /** From creation options to the `RegistrationResponseJSON` a browser would send. One credential per authenticator: registering again replaces it. */
  register(options: SoftCreationOptions, origin: string): RegistrationResponseJSON;
  /** From request options to an `AuthenticationResponseJSON` signed with the stored key; increments `signCount` first. */
  authenticate(
    options: SoftRequestOptions,
    origin: string,
    overrides?: SoftAuthenticateOverrides,
  ): AuthenticationResponseJSON;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

interface StoredCredential {
  id: Buffer;
  privateKey: KeyObject;
  rpId: string;
  userHandle: string;
}

/**
 * A software WebAuthn authenticator (ES256 on P-256, attestation "none") that behaves like a
 * synced platform passkey: flags UP, UV (unless `userVerification: false`), BE and BS.
 * It keeps one credential and never checks `allowCredentials`/`excludeCredentials`, so tests
 * can make it present credentials a real authenticator would refuse to.
 */
export function createSoftAuthenticator(opts: { userVerification?: boolean } = {}): SoftAuthenticator {
  const userVerification = opts.userVerification ?? true;
  const baseFlags = FLAG_UP | (userVerification ? FLAG_UV : 0) | FLAG_BE | FLAG_BS;
  let stored: StoredCredential | null = null;

  const authenticator: SoftAuthenticator = {
    credentialId: null,
    signCount: 0,

    register(options, origin) {
      const rpId = options.rp.id ?? new URL(origin).hostname;
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      if (jwk.x === undefined || jwk.y === undefined) throw new Error('P-256 public key without coordinates');
      const coseKey = encodeCBOR(
        new Map<number, CBORType>([
          [1, 2], // kty: EC2
          [3, -7], // alg: ES256
          [-1, 1], // crv: P-256
          [-2, Buffer.from(jwk.x, 'base64url')],
          [-3, Buffer.from(jwk.y, 'base64url')],
        ]),
      );
      const credentialId = randomBytes(32);
      const credIdLength = Buffer.alloc(2);
      credIdLength.writeUInt16BE(credentialId.length);
      const authData = Buffer.concat([
        authDataHead(rpId, baseFlags | FLAG_AT, 0),
        Buffer.alloc(16), // AAGUID
        credIdLength,
        credentialId,
        coseKey,
      ]);
      const attestationObject = encodeCBOR(
        new Map<string, CBORType>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData],
        ]),
      );
      const clientDataJSON = clientData('webauthn.create', options.challenge, origin);

      stored = { id: credentialId, privateKey, rpId, userHandle: options.user.id };
      authenticator.credentialId = credentialId.toString('base64url');
      authenticator.signCount = 0;

      return {
        id: authenticator.credentialId,
        rawId: authenticator.credentialId,
        type: 'public-key',
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'),
          attestationObject: Buffer.from(attestationObject).toString('base64url'),
          transports: ['internal'],
          publicKeyAlgorithm: -7,
          publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64url'),
          authenticatorData: authData.toString('base64url'),
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },

    authenticate(options, origin, overrides = {}) {
      if (stored === null) throw new Error('soft authenticator: register() before authenticate()');
      let counter: number;
      if (overrides.counter !== undefined) {
        counter = overrides.counter;
      } else {
        authenticator.signCount += 1;
        counter = authenticator.signCount;
      }
      const rpId = overrides.rpId ?? options.rpId ?? stored.rpId;
      const authData = authDataHead(rpId, baseFlags, counter);
      const clientDataJSON = clientData('webauthn.get', overrides.challenge ?? options.challenge, origin);
      const signer = createSign('SHA256');
      signer.update(authData);
      signer.update(sha256(clientDataJSON));
      const signature = signer.sign(stored.privateKey); // DER-encoded ECDSA, as WebAuthn wants
      const id = stored.id.toString('base64url');

      return {
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'),
          authenticatorData: authData.toString('base64url'),
          signature: signature.toString('base64url'),
          userHandle: overrides.userHandle ?? stored.userHandle,
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
  };
  return authenticator;
}

function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

/** rpIdHash (32) | flags (1) | signCount (4, big-endian). */
function authDataHead(rpId: string, flags: number, counter: number): Buffer {
  const tail = Buffer.alloc(5);
  tail.writeUInt8(flags, 0);
  tail.writeUInt32BE(counter >>> 0, 1);
  return Buffer.concat([sha256(rpId), tail]);
}

function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
}
