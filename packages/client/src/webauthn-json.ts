import { clientError } from './errors.js';

/**
 * WebAuthn's JSON forms (W3C WebAuthn Level 3, §5.1.8–5.1.10) by hand: the server speaks JSON
 * with base64url binary fields, `navigator.credentials` speaks ArrayBuffers, and the browsers'
 * own `parse*FromJSON`/`toJSON` are too recent to rely on. Types are declared here, not taken
 * from the DOM library, so the package type-checks in Node too.
 */

interface CredentialDescriptorJSON {
  id: string;
  type: string;
  transports?: string[];
}

export interface CreationOptionsJSON {
  challenge: string;
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: CredentialDescriptorJSON[];
  [key: string]: unknown;
}

export interface AssertionOptionsJSON {
  challenge: string;
  allowCredentials?: CredentialDescriptorJSON[];
  [key: string]: unknown;
}

/** What the browser returns from create() and get(), as far as this reads it. */
export interface WebAuthnCredential {
  id: string;
  rawId: ArrayBuffer;
  type: string;
  authenticatorAttachment?: string | null;
  getClientExtensionResults(): Record<string, unknown>;
  response: {
    clientDataJSON: ArrayBuffer;
    attestationObject?: ArrayBuffer;
    getTransports?: () => string[];
    authenticatorData?: ArrayBuffer;
    signature?: ArrayBuffer;
    userHandle?: ArrayBuffer | null;
  };
}

export function toBase64Url(buffer: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): ArrayBuffer {
  const base64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes.buffer;
}

const descriptor = (item: CredentialDescriptorJSON) => ({ ...item, id: fromBase64Url(item.id) });

export function parseCreationOptions(options: CreationOptionsJSON) {
  return {
    ...options,
    challenge: fromBase64Url(options.challenge),
    user: { ...options.user, id: fromBase64Url(options.user.id) },
    ...(options.excludeCredentials ? { excludeCredentials: options.excludeCredentials.map(descriptor) } : {}),
  };
}

export function parseAssertionOptions(options: AssertionOptionsJSON) {
  return {
    ...options,
    challenge: fromBase64Url(options.challenge),
    ...(options.allowCredentials ? { allowCredentials: options.allowCredentials.map(descriptor) } : {}),
  };
}

/** The fields every credential's JSON shares; a null attachment is left out (the server wants a string). */
function commonJSON(credential: WebAuthnCredential) {
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: credential.type as 'public-key',
    clientExtensionResults: credential.getClientExtensionResults(),
    ...(credential.authenticatorAttachment ? { authenticatorAttachment: credential.authenticatorAttachment } : {}),
  };
}

export function registrationToJSON(credential: WebAuthnCredential) {
  const { response } = credential;
  if (!response.attestationObject) throw unexpected('a registration without an attestation');
  return {
    ...commonJSON(credential),
    response: {
      clientDataJSON: toBase64Url(response.clientDataJSON),
      attestationObject: toBase64Url(response.attestationObject),
      transports: response.getTransports?.() ?? [],
    },
  };
}

export function assertionToJSON(credential: WebAuthnCredential) {
  const { response } = credential;
  if (!response.authenticatorData || !response.signature) throw unexpected('an assertion without a signature');
  return {
    ...commonJSON(credential),
    response: {
      clientDataJSON: toBase64Url(response.clientDataJSON),
      authenticatorData: toBase64Url(response.authenticatorData),
      signature: toBase64Url(response.signature),
      ...(response.userHandle ? { userHandle: toBase64Url(response.userHandle) } : {}),
    },
  };
}

const unexpected = (what: string) =>
  clientError('CLIENT_UNSUPPORTED', 'Unexpected credential', `The browser returned ${what}.`);
