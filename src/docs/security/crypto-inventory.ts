import { INTERMEDIATE_CIPHERS, TLS_ECDH_CURVES, TLS_MIN_VERSION } from '../../http/tls.js';
import { KEY_PURPOSES } from '../../lib/crypto/key-purposes.js';
import { MIN_MASTER_KEY_BYTES } from '../../lib/crypto/master-key.js';
import { code, configDefault, header, table } from './markdown.js';

/** Keys and algorithms that are not derived from the master key, with where each lives. */
function otherKeys(): string[][] {
  const argon2 = `m=${configDefault('auth.argon2.memoryKib')} KiB, t=${configDefault('auth.argon2.iterations')}, p=${configDefault('auth.argon2.parallelism')}`;
  return [
    [
      'Passwords',
      `argon2id (${argon2} by default: \`auth.argon2.*\`), 16-byte random salt, after NFKC`,
      'PHC string in `users.password_hash`',
      'Rehashed at the next sign-in when the configured cost differs from the stored one.',
    ],
    [
      'Session ids, access, refresh and API-key tokens, one-time tokens, recovery codes',
      '256 random bits (`crypto.randomBytes`), prefixed `bwa_`/`bwr_`/`bwk_`; stored as HMAC-SHA256 under `session`',
      'the client only; the database holds the HMAC',
      'Sessions expire (idle and absolute timeouts), tokens by lifetime, API keys by `POST /api/keys/:id/rotate` with an overlap.',
    ],
    [
      'Data keys of encrypted fields',
      '256 random bits each; values sealed with AES-256-GCM, AAD the collection, record id and field; stored as `enc:v1:<key id>:…`',
      'table `data_keys`, wrapped under `data-encryption`',
      'A new data key is made when none is active; every value names the key id it was sealed with.',
    ],
    [
      'TOTP secrets',
      '160 random bits (RFC 6238, HMAC-SHA1 codes as authenticator apps expect), sealed under `totp`',
      'table `totp_factors`, sealed',
      'Re-enrolment replaces it.',
    ],
    [
      'Webhook signing secrets',
      '`whsec_` + 256 random bits (or one of 24–64 bytes the administrator gives); deliveries signed HMAC-SHA256 (Standard Webhooks); sealed under `webhook-secrets`',
      'table `webhooks`, sealed',
      'No in-place rotation: create the webhook again with a new secret, then delete the old one.',
    ],
    [
      'Backups',
      'AES-256-GCM in authenticated chunks; the key from a passphrase (argon2id) or from the master key (`backup`)',
      'the backup file (the passphrase is never stored)',
      'Each backup has its own salt; a new passphrase applies to new backups.',
    ],
    [
      'Plain SHA-256 (no key, not for secrets)',
      'SHA-256',
      'the digest of each upload (`files.sha256`); audit entries from before the keyed chain (`chain_version` 1); in-memory account fingerprints of the credential-stuffing alert',
      'Nothing to rotate.',
    ],
    [
      'TLS (inbound)',
      `${TLS_MIN_VERSION} and later; TLS 1.2 suites ${code(INTERMEDIATE_CIPHERS)}; groups ${code(TLS_ECDH_CURVES)} (Mozilla intermediate)`,
      '`tls.cert`, `tls.key` (PEM files)',
      'Reloaded when either file changes; `bulwark audit` warns before the certificate expires.',
    ],
    [
      'TLS (outbound)',
      'TLS 1.2 and later (Node.js defaults; SMTP and syslog set it explicitly), certificates verified against the host name: PostgreSQL (`sslmode=verify-full`), Redis (`rediss://`), SMTP, syslog, OIDC, webhooks, S3',
      "the system's trust store, or the configured CA file",
      'Follows the peer.',
    ],
  ];
}

/** docs/security/crypto-inventory.md: every key and algorithm, what it protects, where it lives, how it is rotated. */
export function renderCryptoInventory(): string {
  const derived = Object.entries(KEY_PURPOSES).map(([purpose, info]) => [
    code(purpose),
    info.protects,
    info.algorithm,
    info.derivedIn.length > 0 ? info.derivedIn.map(code).join(', ') : 'nowhere yet',
    info.rotation,
  ]);
  return [
    ...header(
      'Cryptography inventory and key lifecycle',
      '`src/lib/crypto/key-purposes.ts`, the configuration defaults and `src/http/tls.ts`',
    ),
    'ASVS 5.0 V11.1.1 (key management policy) and V11.1.2 (inventory of keys and algorithms).',
    '',
    '## The master key',
    '',
    `One master key of at least ${MIN_MASTER_KEY_BYTES} random bytes (\`BULWARK_MASTER_KEY\`, base64 or hex; unset: generated`,
    'once into `<dataDir>/master.key`, mode 0600). It never signs or encrypts anything itself: each',
    'purpose below gets its own key, HKDF-SHA256 (RFC 5869) of the master key with the info',
    '`bulwark:<purpose>:v1`, held in memory only. A key that is too short or looks hand-made stops',
    'the server; a key that does not match the data it is given (the `key-check` value) stops it too.',
    '',
    '## Keys derived from the master key',
    '',
    ...table(['purpose', 'protects', 'algorithm', 'derived in', 'rotation'], derived),
    '',
    '## Other keys and algorithms',
    '',
    ...table(['what', 'algorithm and size', 'where it lives', 'lifecycle'], otherKeys()),
    '',
    'Random values come from `node:crypto` (the operating system CSPRNG). Secrets and MACs are',
    'compared in constant time (`crypto.timingSafeEqual`). No MD5, SHA-1 signatures, ECB, CBC',
    'without MAC or custom cryptography are used; SHA-1 appears only inside TOTP, as RFC 6238 asks.',
    '',
  ].join('\n');
}
