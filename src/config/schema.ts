import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { AlertsSchema } from './alerts-schema.js';

/**
 * The one configuration schema. Every key has a literal default (or is optional) and a
 * description; docs/config.md is generated from this file and a test keeps the two equal.
 * Objects reject unknown keys at every level, so a typo fails at start instead of being
 * silently ignored.
 */
const MiB = 1024 * 1024;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** SQLite `synchronous` values offered: below `normal`, a commit may not outlive even a process crash. */
export const SQLITE_SYNCHRONOUS_MODES = ['normal', 'full'] as const;

const strict = { additionalProperties: false, default: {} } as const;

const ServerSchema = Type.Object(
  {
    host: Type.String({
      default: '127.0.0.1',
      minLength: 1,
      description:
        'Address to listen on. Plain HTTP is allowed on loopback only; any other address needs TLS or `server.trustedProxies`.',
    }),
    port: Type.Integer({ default: 8090, minimum: 0, maximum: 65535, description: 'TCP port; 0 picks a free one.' }),
    trustedProxies: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description:
        'Addresses or CIDRs of reverse proxies allowed to set X-Forwarded-*; declaring one allows a public bind without TLS (the proxy terminates it).',
    }),
    bodyLimitBytes: Type.Integer({
      default: MiB,
      minimum: 1024,
      maximum: 64 * MiB,
      description: 'Largest JSON body accepted; bigger bodies get 413.',
    }),
    headersTimeoutMs: Type.Integer({
      default: 10_000,
      minimum: 1000,
      maximum: 120_000,
      description: 'A request whose headers are not complete in this time is cut off (slowloris).',
    }),
    requestTimeoutMs: Type.Integer({
      default: 30_000,
      minimum: 1000,
      maximum: 600_000,
      description: 'A whole request (headers and body) must arrive within this time.',
    }),
    bodyIdleTimeoutMs: Type.Integer({
      default: 10_000,
      minimum: 1000,
      maximum: 120_000,
      description: 'A connection that sends nothing for this long mid-request (a stalled body) is cut off.',
    }),
    keepAliveTimeoutMs: Type.Integer({
      default: 5000,
      minimum: 100,
      maximum: 120_000,
      description: 'An idle keep-alive connection is closed after this time.',
    }),
  },
  strict,
);

const DatabaseSchema = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://',
        description:
          'PostgreSQL connection URL (`postgres://user:pass@host:5432/db`). Unset: the embedded SQLite database in the data folder.',
      }),
    ),
    sqliteSynchronous: Type.Unsafe<(typeof SQLITE_SYNCHRONOUS_MODES)[number]>({
      type: 'string',
      enum: [...SQLITE_SYNCHRONOUS_MODES],
      default: 'normal',
      description:
        "SQLite's `synchronous` (the database is in WAL mode). `normal`: a commit outlives a crash or `kill -9` of the server, and the database is never corrupted, but a power cut or kernel crash may undo the last commits since the last checkpoint. `full`: each commit reaches the disk before it is answered, so it outlives a power cut too, at the cost of one fsync per write transaction.",
    }),
    ruleQueryTimeoutMs: Type.Integer({
      default: 5000,
      minimum: 10,
      maximum: 60_000,
      description:
        'PostgreSQL statement timeout for record queries shaped by rules and client filters (503 beyond). SQLite bounds them structurally instead.',
    }),
  },
  strict,
);

const RecordsSchema = Type.Object(
  {
    batchMaxOperations: Type.Integer({
      default: 100,
      minimum: 1,
      maximum: 1000,
      description:
        'Most record operations one `POST /api/batch` may hold (400 beyond, before any runs). They run in one transaction, which on SQLite holds the write lock until the last one: a larger batch makes other writers wait longer.',
    }),
  },
  strict,
);

const TlsSchema = Type.Object(
  {
    cert: Type.Optional(Type.String({ minLength: 1, description: 'Path to the PEM certificate chain.' })),
    key: Type.Optional(Type.String({ minLength: 1, description: 'Path to the PEM private key.' })),
  },
  strict,
);

const CorsSchema = Type.Object(
  {
    origins: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Origins allowed to call the API from a browser (`https://app.example.com`). Empty: CORS off.',
    }),
    credentials: Type.Boolean({
      default: false,
      description: 'Allow cookies on cross-origin requests. Never allowed together with `*`.',
    }),
    maxAgeSeconds: Type.Integer({
      default: 600,
      minimum: 0,
      maximum: 86_400,
      description: 'How long a browser may cache a preflight answer.',
    }),
  },
  strict,
);

const LogSchema = Type.Object(
  {
    level: Type.Unsafe<LogLevel>({
      type: 'string',
      enum: [...LOG_LEVELS],
      default: 'info',
      description: 'Least severe level written to standard output.',
    }),
  },
  strict,
);

const AuthSchema = Type.Object(
  {
    passwordMinLength: Type.Integer({
      default: 12,
      minimum: 8,
      maximum: 64,
      description: 'Shortest password accepted (NIST SP 800-63B; never below 8).',
    }),
    passwordBannedWords: Type.Array(Type.String({ minLength: 3, maxLength: 64 }), {
      default: [],
      maxItems: 200,
      description:
        'Extra words no password may contain, in any case or common leetspeak (ASVS V6.1.2), besides the product name, `name` and the host of `publicUrl`: your company, brand and product names.',
    }),
    argon2: Type.Object(
      {
        memoryKib: Type.Integer({
          default: 19_456,
          minimum: 1024,
          maximum: 4_194_304,
          description: 'argon2id memory cost.',
        }),
        iterations: Type.Integer({ default: 2, minimum: 1, maximum: 20, description: 'argon2id time cost.' }),
        parallelism: Type.Integer({ default: 1, minimum: 1, maximum: 16, description: 'argon2id lanes.' }),
      },
      {
        ...strict,
        description: 'Password hashing cost; defaults are OWASP’s (19 MiB, t=2, p=1). Hashes are upgraded at sign-in.',
      },
    ),
    sessionIdleTimeoutSeconds: Type.Integer({
      default: 1800,
      minimum: 60,
      maximum: 86_400,
      description: 'A browser session unused this long is ended.',
    }),
    sessionAbsoluteLifetimeSeconds: Type.Integer({
      default: 43_200,
      minimum: 300,
      maximum: 2_592_000,
      description: 'A browser session ends this long after sign-in, however active.',
    }),
    maxSessionsPerUser: Type.Integer({
      default: 20,
      minimum: 1,
      maximum: 1000,
      description:
        'Most sessions (browser sessions and bearer token families) one user keeps; a new sign-in ends the least recently used beyond it. Sign-ins still owing a second factor are capped separately.',
    }),
    accessTokenTtlSeconds: Type.Integer({
      default: 900,
      minimum: 60,
      maximum: 3600,
      description: 'Lifetime of a bearer access token.',
    }),
    refreshTokenLifetimeSeconds: Type.Integer({
      default: 2_592_000,
      minimum: 3600,
      maximum: 31_536_000,
      description: 'Absolute lifetime of a bearer token family (its refresh tokens).',
    }),
    stepUpWindowSeconds: Type.Integer({
      default: 300,
      minimum: 60,
      maximum: 3600,
      description: 'How long a re-authentication (POST /api/auth/reauth) allows sensitive actions.',
    }),
    apiKeyMaxLifetimeDays: Type.Integer({
      default: 365,
      minimum: 1,
      maximum: 3650,
      description: 'Longest expiry an API key may be given.',
    }),
    apiKeyRotationOverlapSeconds: Type.Integer({
      default: 86_400,
      minimum: 0,
      maximum: 2_592_000,
      description: 'How long the old key keeps working after a rotation.',
    }),
    setupTokenTtlSeconds: Type.Integer({
      default: 900,
      minimum: 60,
      maximum: 86_400,
      description: 'Lifetime of the one-time first-administrator set-up link.',
    }),
    mfa: Type.Object(
      {
        requiredForAdmins: Type.Boolean({
          default: true,
          description:
            'Administrators must enrol a second factor (TOTP or passkey); until they do, they can sign in only to enrol it and no admin route answers.',
        }),
        requiredForAll: Type.Boolean({
          default: false,
          description: 'Every user must enrol a second factor before doing anything else.',
        }),
        totpIssuer: Type.String({
          default: 'Bulwark',
          minLength: 1,
          maxLength: 64,
          description: 'Issuer name shown in authenticator apps.',
        }),
        pendingTtlSeconds: Type.Integer({
          default: 300,
          minimum: 60,
          maximum: 1800,
          description: 'How long a sign-in waiting for its second factor stays open.',
        }),
      },
      { ...strict, description: 'Second factors.' },
    ),
    webauthn: Type.Object(
      {
        rpId: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 253,
            description:
              'WebAuthn relying-party id (a registrable domain, e.g. `example.com`). Unset: the host of `publicUrl`, else of the request.',
          }),
        ),
        rpName: Type.String({
          default: 'Bulwark',
          minLength: 1,
          maxLength: 64,
          description: 'Name shown by the browser.',
        }),
        origins: Type.Array(Type.String({ pattern: '^https?://[^/]+$' }), {
          default: [],
          description:
            'Origins passkey ceremonies may come from (`https://app.example.com`). Unset: the origin of `publicUrl`, else of the request.',
        }),
      },
      { ...strict, description: 'Passkeys (WebAuthn).' },
    ),
    oidc: Type.Object(
      {
        providers: Type.Array(
          Type.Object(
            {
              name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', description: 'Used in the URL path.' }),
              issuer: Type.String({ pattern: '^https?://', description: 'Issuer URL (discovery is used).' }),
              clientId: Type.String({ minLength: 1 }),
              clientSecret: Type.String({ minLength: 1 }),
              scopes: Type.Array(Type.String({ pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' }), {
                default: ['openid', 'email', 'profile'],
              }),
              trustedForEmail: Type.Boolean({
                default: false,
                description:
                  'Link an existing local account by a verified email from this provider. Off: the owner must sign in and link it.',
              }),
            },
            { additionalProperties: false },
          ),
          {
            default: [],
            description:
              'OpenID Connect providers for sign-in (authorization code with PKCE, state and nonce). In the environment, a JSON array.',
          },
        ),
      },
      { ...strict, description: 'OpenID Connect sign-in.' },
    ),
    redirects: Type.Object(
      {
        allowed: Type.Array(Type.String({ pattern: '^https?://[^/?#]+(/[^?#]*)?$' }), {
          default: [],
          description:
            'Where `next=` and other redirects may lead besides this server’s own paths: exact origins with an optional path prefix (`https://app.example.com/account/`).',
        }),
      },
      { ...strict, description: 'Redirect allow-list.' },
    ),
  },
  strict,
);

const SmtpSchema = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        pattern: '^smtps?://',
        description:
          'SMTP server (`smtps://user:pass@mail.example.com:465` or `smtp://…:587`, STARTTLS). Set: email verification is required at sign-up.',
      }),
    ),
    from: Type.String({ default: 'Bulwark <no-reply@localhost>', description: 'Sender of account mail.' }),
    requireTls: Type.Boolean({
      default: true,
      description: 'Refuse to send over an unencrypted connection (loopback servers are exempt).',
    }),
  },
  strict,
);

const cidrList = (description: string) =>
  Type.Array(Type.String({ minLength: 2, maxLength: 64 }), { default: [], description });
const perMinute = (fallback: number, description: string) =>
  Type.Integer({ default: fallback, minimum: 1, maximum: 1_000_000, description });

const AbuseSchema = Type.Object(
  {
    apiRequestsPerMinute: perMinute(600, 'Requests one address may make per minute on ordinary routes (429 beyond).'),
    authRequestsPerMinute: perMinute(
      30,
      'Requests one address may make per minute on sign-in, sign-up, token, refresh, reset and step-up routes.',
    ),
    userRequestsPerMinute: perMinute(
      1200,
      'Requests one signed-in account may make per minute, from all its addresses.',
    ),
    accountFailureLimit: Type.Integer({
      default: 5,
      minimum: 1,
      maximum: 100,
      description: 'Consecutive failed sign-ins after which the account’s sign-ins are refused from every address.',
    }),
    accountLockSeconds: Type.Integer({
      default: 900,
      minimum: 10,
      maximum: 86_400,
      description: 'How long those sign-ins are refused; it always ends by itself.',
    }),
    banFailureLimit: Type.Integer({
      default: 20,
      minimum: 1,
      maximum: 10_000,
      description: 'Failed sign-ins from one address within `banWindowSeconds` that get it banned.',
    }),
    banWindowSeconds: Type.Integer({
      default: 600,
      minimum: 10,
      maximum: 86_400,
      description: 'Window for counting those failures.',
    }),
    banSeconds: Type.Integer({
      default: 3600,
      minimum: 10,
      maximum: 2_592_000,
      description: 'How long a banned address is refused on every route (403).',
    }),
    allowList: cidrList('Addresses or CIDRs never rate-limited or banned (monitoring, your office).'),
    denyList: cidrList('Addresses or CIDRs always refused (403).'),
    adminAllowList: cidrList('When set, admin routes answer only these addresses or CIDRs.'),
    ipv6PrefixLength: Type.Integer({
      default: 64,
      minimum: 32,
      maximum: 128,
      description:
        'Leading bits by which IPv6 clients are counted for rate limits, bans, sign-in throttles and connection caps: one host or home usually holds a whole /64 and can take any address in it. 128 counts each address alone; 48 or 56 count a whole site. IPv4 clients (IPv4-mapped IPv6 included) are counted by address.',
    }),
    maxConnectionsPerAddress: Type.Integer({
      default: 64,
      minimum: 1,
      maximum: 100_000,
      description: 'Open connections one address may hold; more are closed at once.',
    }),
    maxEventLoopDelayMs: Type.Integer({
      default: 1000,
      minimum: 0,
      maximum: 60_000,
      description:
        'Event-loop delay beyond which new requests get 503 with Retry-After (load shedding). 0 turns it off (only where something in front sheds load).',
    }),
  },
  strict,
);

/**
 * Every request the server makes to an address a user or an administrator chose (webhooks, OIDC
 * discovery) goes through the outbound guard (lib/net/outbound-guard.ts) under this policy.
 */
const OutboundSchema = Type.Object(
  {
    allowHttp: Type.Boolean({
      default: false,
      description: 'Allow plain `http:` URLs for outbound requests (webhooks, OIDC discovery). Off: `https:` only.',
    }),
    allowedCidrs: Type.Array(Type.String({ minLength: 2, maxLength: 64 }), {
      default: [],
      description:
        'Addresses or CIDRs outbound requests may reach although they are loopback, private, link-local, CGNAT, multicast or cloud metadata addresses (`10.1.2.0/24` for an internal webhook receiver). Empty: only public addresses.',
    }),
    maxRedirects: Type.Integer({
      default: 3,
      minimum: 0,
      maximum: 10,
      description: 'Redirects an outbound request follows, each checked like the first URL; one more fails it.',
    }),
    connectTimeoutMs: Type.Integer({
      default: 5000,
      minimum: 100,
      maximum: 60_000,
      description: 'An outbound connection (TCP and TLS) not made in this time fails.',
    }),
    totalTimeoutMs: Type.Integer({
      default: 10_000,
      minimum: 100,
      maximum: 300_000,
      description: 'An outbound request, redirects and the whole response body included, must finish in this time.',
    }),
    maxResponseBytes: Type.Integer({
      default: MiB,
      minimum: 1024,
      maximum: 64 * MiB,
      description: 'Largest response body an outbound request reads; a longer one is cut off and the request fails.',
    }),
    dnsServers: Type.Array(Type.String({ minLength: 2, maxLength: 64 }), {
      default: [],
      description:
        'DNS servers (`1.1.1.1`, `10.0.0.53:5353`, `[2606:4700::1111]:53`) that resolve outbound host names instead of the system resolver. Empty: the system resolver (`/etc/hosts` included).',
    }),
  },
  strict,
);

const RedisSchema = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        pattern: '^rediss?://',
        description:
          'Redis for counters and bans shared by every instance (`rediss://` for TLS). Unset: sign-in throttles and bans in the database (kept across restarts), per-minute rate limits in each process.',
      }),
    ),
  },
  strict,
);

const MetricsSchema = Type.Object(
  {
    token: Type.Optional(
      Type.String({
        minLength: 32,
        maxLength: 512,
        description:
          'Bearer token Prometheus sends to scrape `GET /metrics` (at least 32 characters; prefer `BULWARK_METRICS_TOKEN`). Unset, and without `metrics.allowedCidrs`, `/metrics` answers 404 to everyone.',
      }),
    ),
    allowedCidrs: cidrList('Addresses or CIDRs that may scrape `GET /metrics` without the token (your Prometheus).'),
  },
  strict,
);

const WebhooksSchema = Type.Object(
  {
    pollIntervalMs: Type.Integer({
      default: 1000,
      minimum: 20,
      maximum: 60_000,
      description: 'How often each instance looks for webhook deliveries that are due.',
    }),
    concurrency: Type.Integer({
      default: 4,
      minimum: 1,
      maximum: 64,
      description: 'Deliveries one instance sends at the same time.',
    }),
    maxAttempts: Type.Integer({
      default: 12,
      minimum: 1,
      maximum: 50,
      description: 'Attempts per delivery; after the last failed one it is marked `dead` and audited.',
    }),
    retryBaseMs: Type.Integer({
      default: 1000,
      minimum: 1,
      maximum: 3_600_000,
      description:
        'First retry delay; each retry waits a random time up to `retryBaseMs × 2^(attempt−1)` (exponential backoff, full jitter).',
    }),
    retryMaxMs: Type.Integer({
      default: 3_600_000,
      minimum: 1,
      maximum: 86_400_000,
      description: 'Longest wait between two attempts of one delivery.',
    }),
    leaseMs: Type.Integer({
      default: 120_000,
      minimum: 5000,
      maximum: 3_600_000,
      description:
        'How long a claimed delivery belongs to the instance sending it; a delivery whose instance died is sent again after this. Keep it above the outbound total timeout.',
    }),
    logRetentionDays: Type.Integer({
      default: 30,
      minimum: 1,
      maximum: 3650,
      description:
        'Finished deliveries (succeeded, failed, dead) older than this are deleted from the delivery log; pending ones are kept.',
    }),
  },
  strict,
);

/** Where file bytes go when `files.storage` is `s3`: an S3-compatible bucket (AWS S3, MinIO, R2, Ceph…). */
const FilesS3Schema = Type.Object(
  {
    endpoint: Type.Optional(
      Type.String({
        pattern: '^https?://[^/?#]+/?$',
        description:
          'S3-compatible endpoint (`https://s3.example.com`, `http://127.0.0.1:9000` for a local MinIO). Unset: AWS S3 in `region`. Plain `http://` is refused off loopback.',
      }),
    ),
    region: Type.String({
      default: 'us-east-1',
      pattern: '^[a-z0-9-]{1,32}$',
      description: 'Region the requests are signed for (most S3-compatible servers accept any).',
    }),
    bucket: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
        description:
          'Bucket holding the files; keep it private (no public ACL or policy): downloads go through Bulwark.',
      }),
    ),
    accessKeyId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Access key id.' })),
    secretAccessKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description:
          'Secret access key. Prefer the environment (`BULWARK_FILES_S3_SECRET_ACCESS_KEY`) to a file; it never appears in logs or responses.',
      }),
    ),
    forcePathStyle: Type.Boolean({
      default: false,
      description:
        'Address the bucket in the path (`https://host/bucket/key`), as MinIO and most compatible servers need.',
    }),
    prefix: Type.String({
      default: '',
      pattern: '^([A-Za-z0-9_-][A-Za-z0-9_.-]*/)*$',
      description:
        'Folder inside the bucket for Bulwark’s files (`bulwark/`), ending in `/`; empty: the bucket’s root.',
    }),
  },
  { ...strict, description: 'S3-compatible storage.' },
);

/** The optional malware scan: a file stays quarantined until clamd calls it clean. */
const FilesScanSchema = Type.Object(
  {
    clamdSocket: Type.String({
      default: '',
      pattern: '^(|/.*|\\[[0-9A-Fa-f:.]+\\]:[0-9]{1,5}|[A-Za-z0-9.-]+:[0-9]{1,5})$',
      description:
        'ClamAV daemon: a unix socket path (`/run/clamav/clamd.ctl`) or `host:port` (`127.0.0.1:3310`). Empty: no scan. Set: every upload stays quarantined (not downloadable) until clamd reports it clean; infected files are deleted. Signatures need `freshclam`.',
    }),
    timeoutMs: Type.Integer({
      default: 30_000,
      minimum: 1000,
      maximum: 600_000,
      description: 'A scan not answered within this time fails; the file stays quarantined.',
    }),
    maxStreamBytes: Type.Integer({
      default: 25 * MiB,
      minimum: 1024,
      maximum: 4095 * MiB,
      description:
        'Largest file sent to clamd; a bigger one is not scanned and stays quarantined. Keep it at most clamd’s `StreamMaxLength` (25 MiB by default) and at least the largest upload allowed.',
    }),
  },
  { ...strict, description: 'Malware scanning.' },
);

/** Where uploaded bytes live: the local store, or an S3-compatible bucket (`files.s3`). */
const FILE_STORAGES = ['local', 's3'] as const;

const FilesSchema = Type.Object(
  {
    maxUploadBytes: Type.Integer({
      default: 25 * MiB,
      minimum: 1024,
      maximum: 5 * 1024 * MiB,
      description:
        "Ceiling of every file field's `maxSizeBytes`: no upload is ever larger (413 while streaming, nothing kept).",
    }),
    linkTtlSeconds: Type.Integer({
      default: 300,
      minimum: 10,
      maximum: 86_400,
      description: 'How long a signed download link (`POST …/files/:field/:fileId/link`) stays valid.',
    }),
    storage: Type.Unsafe<(typeof FILE_STORAGES)[number]>({
      type: 'string',
      enum: [...FILE_STORAGES],
      default: 'local',
      description:
        'Where uploaded files are kept: `local` is `<dataDir>/files` (mode 0700); `s3` is the bucket `files.s3` names.',
    }),
    s3: FilesS3Schema,
    scan: FilesScanSchema,
  },
  strict,
);

/** Syslog facilities an audit shipper may use (RFC 5424 §6.2.1), by name. */
export const SYSLOG_FACILITIES = {
  user: 1,
  auth: 4,
  authpriv: 10,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;

/** Shipping the audit log to a central syslog receiver (RFC 5424 over TLS, RFC 5425). */
const AuditSyslogSchema = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        pattern: '^(syslog\\+tls|tcp)://[^/?#@]+:[0-9]{1,5}$',
        description:
          'Receiver of the shipped audit log: `syslog+tls://host:6514` (RFC 5425, certificate verified), or `tcp://127.0.0.1:514` (plain, loopback only). Unset: no shipping.',
      }),
    ),
    caFile: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'PEM file of the CA(s) that sign the receiver’s certificate. Unset: the system’s trusted CAs.',
      }),
    ),
    certFile: Type.Optional(
      Type.String({ minLength: 1, description: 'PEM client certificate, for a receiver that authenticates senders.' }),
    ),
    keyFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key of `certFile`.' })),
    appName: Type.String({
      default: 'bulwark',
      pattern: '^[!-~]{1,48}$',
      description: 'APP-NAME of every shipped message (printable ASCII, at most 48 characters).',
    }),
    facility: Type.Unsafe<SyslogFacility>({
      type: 'string',
      enum: Object.keys(SYSLOG_FACILITIES),
      default: 'authpriv',
      description: 'Syslog facility of the shipped messages (`authpriv` is 10, security/authorization messages).',
    }),
    hostname: Type.Optional(
      Type.String({
        pattern: '^[!-~]{1,255}$',
        description: 'HOSTNAME of every shipped message. Unset: this machine’s host name.',
      }),
    ),
    reconnectMaxMs: Type.Integer({
      default: 30_000,
      minimum: 100,
      maximum: 600_000,
      description:
        'Longest wait between two attempts to reach a receiver that is down (exponential backoff from 250 ms, with jitter).',
    }),
  },
  strict,
);

/**
 * The audit log. Retention defaults to 0 (keep forever): deleting security evidence is the
 * operator's decision (legal retention periods differ, from months to ten years), and an
 * upgrade must never start deleting an existing installation's history on its own.
 */
const AuditSchema = Type.Object(
  {
    retentionDays: Type.Integer({
      default: 0,
      minimum: 0,
      maximum: 36_500,
      description:
        'Entries older than this many days are deleted at start and daily, behind a signed retention anchor so `bulwark log verify` still proves the rest. 0: keep every entry.',
    }),
    syslog: AuditSyslogSchema,
  },
  strict,
);

/**
 * Backups the server writes on its own, sealed under the `backup` key derived from the master
 * key (`bulwark backup --passphrase` writes the portable kind). Off by default: where backups
 * go, and how many to keep, is the operator's decision.
 */
const BackupSchema = Type.Object(
  {
    schedule: Type.String({
      default: '',
      pattern: '^([1-9][0-9]{0,4}[mhd])?$',
      description:
        'How often the server writes a backup: `90m`, `6h`, `1d`. Empty: no scheduled backups (`bulwark backup` still works).',
    }),
    dir: Type.String({
      default: '',
      description:
        'Folder for scheduled backups (created with mode 0700); put it on another disk. Empty: `<dataDir>/backups`.',
    }),
    keep: Type.Integer({
      default: 7,
      minimum: 1,
      maximum: 10_000,
      description: 'How many scheduled backups to keep; older ones are deleted after each new one is written.',
    }),
  },
  strict,
);

export const ConfigSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          'The deployment’s own name (`Acme Shop`): no password may contain it or its words of 4+ letters (docs/security/banned-password-words.md).',
      }),
    ),
    dataDir: Type.String({
      default: './bulwark_data',
      minLength: 1,
      description: 'Folder for the SQLite database and the master key file (created with mode 0700).',
    }),
    masterKey: Type.Optional(
      Type.String({
        description:
          'Master key, base64 or hex, at least 32 random bytes. Unset: generated once into `<dataDir>/master.key` (0600). Prefer the environment to a file.',
      }),
    ),
    server: ServerSchema,
    database: DatabaseSchema,
    records: RecordsSchema,
    tls: TlsSchema,
    cors: CorsSchema,
    log: LogSchema,
    auth: AuthSchema,
    smtp: SmtpSchema,
    abuse: AbuseSchema,
    outbound: OutboundSchema,
    redis: RedisSchema,
    webhooks: WebhooksSchema,
    files: FilesSchema,
    audit: AuditSchema,
    backup: BackupSchema,
    metrics: MetricsSchema,
    alerts: AlertsSchema,
    publicUrl: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description:
          'Address users reach the server at (`https://api.example.com`), used in mailed links and the set-up link. Unset: the listening address.',
      }),
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

/**
 * Environment names that differ from the derived `BULWARK_<PATH>` names, from CONTRACT.md.
 * The derived names always work too.
 */
export const ENV_ALIASES: Readonly<Record<string, string>> = {
  BULWARK_HOST: 'server.host',
  BULWARK_PORT: 'server.port',
  BULWARK_TRUSTED_PROXIES: 'server.trustedProxies',
};

/** BULWARK_* variables that are read but are not configuration keys. */
export const NON_CONFIG_ENV = new Set(['BULWARK_CONFIG']);

export interface LeafInfo {
  path: string;
  schema: TSchema;
}

/** Lists the leaf keys of the schema with their dotted paths, for env mapping and docs. */
export function listConfigLeaves(schema: TSchema = ConfigSchema, prefix = ''): LeafInfo[] {
  if (schema.type === 'object' && schema.properties) {
    return Object.entries(schema.properties as Record<string, TSchema>).flatMap(([key, child]) =>
      listConfigLeaves(child, prefix ? `${prefix}.${key}` : key),
    );
  }
  return [{ path: prefix, schema }];
}

/** `server.trustedProxies` → `BULWARK_SERVER_TRUSTED_PROXIES`. */
export function envNameFor(path: string): string {
  return `BULWARK_${path
    .split('.')
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
    .join('_')}`;
}
