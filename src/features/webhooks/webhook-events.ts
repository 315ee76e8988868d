import type { FieldError } from '../../errors/index.js';

/** Every event a webhook can subscribe to, by family. `webhook.test` is sent on request only. */
export const WEBHOOK_EVENTS = {
  record: ['record.created', 'record.updated', 'record.deleted'],
  user: ['user.registered', 'user.signed_in', 'user.password_changed', 'user.deleted'],
} as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[keyof typeof WEBHOOK_EVENTS][number] | 'webhook.test';

const FAMILY_PATTERN = /^([a-z]+)\.\*$/;
const KNOWN = new Set<string>(Object.values(WEBHOOK_EVENTS).flat());

/** At most this many entries in `events`: the list is small by nature (7 names, 2 families). */
export const MAX_EVENT_PATTERNS = 16;

/** `events[i]` entries that are neither a known event nor a known `family.*`; empty when all are known. */
export function unknownEventProblems(patterns: readonly string[]): FieldError[] {
  return patterns.flatMap((pattern, index) =>
    isKnownPattern(pattern)
      ? []
      : [{ field: `events[${index}]`, code: 'unknown_event', message: `"${pattern}" is not a webhook event` }],
  );
}

function isKnownPattern(pattern: string): boolean {
  const family = FAMILY_PATTERN.exec(pattern)?.[1];
  return family ? Object.hasOwn(WEBHOOK_EVENTS, family) : KNOWN.has(pattern);
}

/** Whether a webhook subscribed with `patterns` wants `event` (exact name or its `family.*`). */
export function isSubscribed(patterns: readonly string[], event: WebhookEvent): boolean {
  const family = `${event.split('.')[0]}.*`;
  return patterns.some((pattern) => pattern === event || pattern === family);
}

/** An audit event as the webhooks feature reads it (the audit sink's event shape). */
export interface ObservedAuditEvent {
  type: string;
  actor?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/**
 * The webhook event an audit event stands for, with its `data`, or null. Auth already records
 * each of these once, when it happens, through the audit sink; reading them there (rather than
 * adding calls to every auth route) keeps one place that says "this happened". The data is the
 * user's id only: a receiver that needs more asks the admin API, so no address or name leaves
 * the server in a webhook body.
 */
export function webhookEventForAudit(event: ObservedAuditEvent): { event: WebhookEvent; data: object } | null {
  const details = event.details ?? {};
  const actor = event.actor ?? '';
  switch (event.type) {
    case 'auth.register':
      return { event: 'user.registered', data: { user: { id: actor } } };
    // `stage: full` only: a password that still owes its second factor is not a sign-in yet.
    case 'auth.login.success':
      return details.stage === 'full' ? { event: 'user.signed_in', data: { user: { id: actor } } } : null;
    case 'auth.password.change':
    case 'auth.password.reset':
      return { event: 'user.password_changed', data: { user: { id: actor } } };
    case 'admin.user.delete':
      return { event: 'user.deleted', data: { user: { id: String(details.userId ?? '') } } };
    default:
      return null;
  }
}
