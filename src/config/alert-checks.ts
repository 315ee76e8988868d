import { createAddressJudge } from '../lib/net/address-policy.js';
import { isValidCidr } from '../lib/net/cidr.js';
import { OutboundError } from '../lib/net/outbound-types.js';
import { checkParsedUrl } from '../lib/net/outbound-url.js';
import type { ConfigCheck } from './checks.js';

/** Standard Webhooks bounds on the key bytes of a `whsec_` secret (as for record webhooks). */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/** Checks of the `alerts` section: an alert channel that cannot deliver is an alert nobody gets. */
export const ALERT_CHECKS: readonly ConfigCheck[] = [
  {
    id: 'alerts-mail-without-smtp',
    severity: 'medium',
    test: (c) => c.alerts.mailTo.length > 0 && c.smtp.url === undefined,
    message: 'alerts.mailTo is set but no mail server is configured, so alert mail is never sent',
    fix: 'set smtp.url (BULWARK_SMTP_URL) to your mail server, or send alerts to alerts.webhookUrl instead',
  },
  {
    id: 'alerts-webhook-refused-by-outbound',
    severity: 'medium',
    test: (c) => {
      if (c.alerts.webhookUrl === undefined) return false;
      const judge = createAddressJudge(c.outbound.allowedCidrs.filter(isValidCidr));
      return checkParsedUrl(c.alerts.webhookUrl, c.outbound.allowHttp, judge) instanceof OutboundError;
    },
    message: 'alerts.webhookUrl is refused by the outbound policy, so alert webhooks are never delivered',
    fix: 'for a receiver on a private or loopback address, add its address to outbound.allowedCidrs (and set outbound.allowHttp for an http:// URL)',
  },
  {
    id: 'alerts-webhook-secret-invalid',
    severity: 'high',
    test: (c) => {
      const secret = c.alerts.webhookSecret;
      if (secret === undefined) return false;
      const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64').length;
      return bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES;
    },
    message: 'alerts.webhookSecret does not hold 24 to 64 key bytes, so alert webhooks could not be signed',
    fix: 'set alerts.webhookSecret to `whsec_` followed by the base64 of 32 random bytes (e.g. `echo whsec_$(openssl rand -base64 32)`)',
  },
  {
    id: 'alerts-webhook-unsigned',
    severity: 'low',
    test: (c) => c.alerts.webhookUrl !== undefined && c.alerts.webhookSecret === undefined,
    message: 'alert webhooks are sent unsigned, so the receiver cannot tell them from forged ones',
    fix: 'set alerts.webhookSecret (`whsec_` + base64 of 32 random bytes) and verify the webhook-signature header in the receiver',
  },
];
