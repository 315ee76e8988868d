import { Type } from '@sinclair/typebox';

const strict = { additionalProperties: false, default: {} } as const;
const count = (fallback: number, description: string) =>
  Type.Integer({ default: fallback, minimum: 1, maximum: 1_000_000, description });

/**
 * In-process alerts (features/alerts): the conditions of deploy/prometheus/bulwark-alerts.yml,
 * evaluated over the audit log's events by each instance, for operators without Prometheus.
 * The defaults are the rules' thresholds.
 */
export const AlertsSchema = Type.Object(
  {
    mailTo: Type.Array(Type.String({ pattern: '^[^\\s@,;<>]+@[^\\s@,;<>]+$', maxLength: 254 }), {
      default: [],
      maxItems: 20,
      description:
        'Addresses that receive alert mail through the SMTP server of `smtp.url`. Alerts are on when this or `alerts.webhookUrl` is set.',
    }),
    webhookUrl: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description:
          'URL that receives each alert as a JSON POST, through the outbound guard (a private or loopback receiver must be in `outbound.allowedCidrs`).',
      }),
    ),
    webhookSecret: Type.Optional(
      Type.String({
        pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$',
        description:
          'Signing secret (`whsec_` + base64 of 24–64 random bytes) for the alert webhook: with it each POST carries Standard Webhooks `webhook-id`, `webhook-timestamp` and `webhook-signature` headers, like record webhooks.',
      }),
    ),
    cooldownMinutes: Type.Integer({
      default: 60,
      minimum: 1,
      maximum: 10_080,
      description: 'After an alert fires, the same alert is not sent again for this long (it is still counted).',
    }),
    signInFailures: count(50, 'More failed sign-ins than this within 10 minutes fire `sign_in_failure_spike`.'),
    stuffingAccounts: count(
      20,
      'At least this many distinct accounts failing to sign in within 10 minutes, from at most `stuffingMaxAddresses` addresses, fire `credential_stuffing`.',
    ),
    stuffingMaxAddresses: count(3, 'See `stuffingAccounts`.'),
    banWaveBans: count(5, 'At least this many addresses banned within 10 minutes fire `ban_wave`.'),
    ruleDenials: count(
      100,
      'More record reads and writes denied by rules than this within 10 minutes fire `rule_denial_spike`.',
    ),
    noSuccessFailures: count(
      10,
      'More failed sign-ins than this within an hour, with no successful sign-in in that hour, fire `no_successful_sign_ins`.',
    ),
    certificateDays: Type.Integer({
      default: 14,
      minimum: 1,
      maximum: 365,
      description:
        'A TLS certificate expiring within this many days fires `certificate_expiring` (checked at start and every `checkIntervalHours`).',
    }),
    checkIntervalHours: Type.Integer({
      default: 24,
      minimum: 1,
      maximum: 168,
      description:
        'How often the certificate expiry and the whole audit chain are checked (`audit_chain_broken` when an entry does not verify); also once at start.',
    }),
  },
  strict,
);
