import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseTables, WebhookDeliveriesTable, WebhooksTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import type { OutboundClient, OutboundError } from '../../lib/net/outbound-types.js';
import { isSubscribed, unknownEventProblems, type WebhookEvent } from './webhook-events.js';
import { generateWebhookSecret, type SecretBox, secretKeyBytes } from './webhook-secret.js';
import { pendingDelivery, type WebhooksRepo } from './webhooks-repo.js';

export interface WebhookInput {
  url: string;
  events: string[];
  secret?: string | undefined;
}

/** What an administrator sees of a webhook: never its secret. */
export interface PublicWebhook {
  id: string;
  url: string;
  events: string[];
  created: string;
  /** Deliveries queued and not yet sent: they are dropped if the webhook is deleted. */
  pendingDeliveries: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A new Standard Webhooks message id (`webhook-id`): random, so it names nothing. */
export const newMessageId = () => `msg_${randomUUID().replaceAll('-', '')}`;

function toPublic(row: WebhooksTable, pendingDeliveries: number): PublicWebhook {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    created: iso(row.created_ms),
    pendingDeliveries,
  };
}

/** Why the guard refused a URL at registration, in words that say what to change. */
function refusalDetail(refusal: OutboundError): string {
  switch (refusal.reason) {
    case 'scheme':
      return 'The URL must use https (http only when `outbound.allowHttp` is on) and carry no user name or password.';
    case 'address':
      return `The URL points at ${refusal.address ?? 'an address'}, a loopback, private, link-local or metadata address. To deliver to an internal receiver on purpose, allow its range in \`outbound.allowedCidrs\`.`;
    default:
      return 'The URL cannot be used for deliveries; give a public https URL, or allow its range in `outbound.allowedCidrs`.';
  }
}

/**
 * Webhook administration and the event side of the queue: a checked URL, known events and a
 * sealed secret on the way in; one delivery row per subscribed webhook when an event happens.
 */
export function createWebhooksService(deps: {
  db: Kysely<DatabaseTables>;
  repo: WebhooksRepo;
  outbound: Pick<OutboundClient, 'checkUrl'>;
  secrets: SecretBox;
  now: () => number;
}) {
  const { repo, now } = deps;

  /** An obviously refused URL (scheme, credentials, a literal internal address in any spelling) is a 400 now. */
  const requireUsableUrl = (url: string) => {
    const refusal = URL.canParse(url) ? deps.outbound.checkUrl(url) : null;
    if (URL.canParse(url) && !refusal) return;
    const detail = refusal ? refusalDetail(refusal) : 'The URL is not a valid absolute URL.';
    throw appError('HOOK_URL_REFUSED', { detail, fields: [{ field: 'url', code: 'url_refused', message: detail }] });
  };

  const requireWebhook = async (id: string) => {
    const row = await repo.findWebhook(id);
    if (!row) throw appError('HOOK_NOT_FOUND', { detail: 'No webhook with this id.' });
    return row;
  };

  /** Each webhook as an administrator sees it, with its count of deliveries still to be sent. */
  const withPending = async (rows: WebhooksTable[]) => {
    const pending = await repo.countPending(rows.map((row) => row.id));
    return rows.map((row) => toPublic(row, pending.get(row.id) ?? 0));
  };

  const deliveryRow = (webhookId: string, event: WebhookEvent, data: object): WebhookDeliveriesTable => {
    const nowMs = now();
    const payload = JSON.stringify({ type: event, timestamp: iso(nowMs), data });
    return pendingDelivery({ id: newMessageId(), webhookId, event, payload, dueMs: nowMs, nowMs });
  };

  return {
    /** Registers a webhook; the secret (given or generated) is returned here and never again. */
    async create(input: WebhookInput): Promise<PublicWebhook & { secret: string }> {
      requireUsableUrl(input.url);
      const unknown = unknownEventProblems(input.events);
      if (unknown.length > 0) {
        const names = unknown.map((problem) => problem.message).join('; ');
        throw appError('HOOK_EVENT_UNKNOWN', { detail: `${names}.`, fields: unknown });
      }
      if (input.secret !== undefined && !secretKeyBytes(input.secret)) {
        throw appError('HOOK_SECRET_INVALID', {
          detail: 'The secret must be `whsec_` followed by the base64 of 24 to 64 random bytes.',
          fields: [{ field: 'secret', code: 'secret_invalid', message: 'is not a whsec_ secret of 24 to 64 bytes' }],
        });
      }
      const secret = input.secret ?? generateWebhookSecret();
      const id = randomUUID();
      const row: WebhooksTable = {
        id,
        url: input.url,
        events: JSON.stringify([...new Set(input.events)]),
        secret_sealed: deps.secrets.seal(id, secret),
        created_ms: now(),
      };
      await repo.insertWebhook(row);
      return { ...toPublic(row, 0), secret };
    },

    list: async () => withPending(await repo.listWebhooks()),
    get: async (id: string) => (await withPending([await requireWebhook(id)]))[0] as PublicWebhook,

    /** Deletes it with its queue and log; returns it as it was, with the pending deliveries dropped. */
    async remove(id: string): Promise<PublicWebhook> {
      const [before] = await withPending([await requireWebhook(id)]);
      if (!(await repo.deleteWebhook(id))) throw appError('HOOK_NOT_FOUND', { detail: 'No webhook with this id.' });
      return before as PublicWebhook;
    },

    async deliveries(id: string, page: number, perPage: number) {
      await requireWebhook(id);
      const { totalItems, items } = await repo.listDeliveries(id, page, perPage);
      return { page, perPage, totalItems, totalPages: Math.ceil(totalItems / perPage), items };
    },

    /**
     * Queues `event` for every webhook subscribed to it, on `handle` (a record write's own
     * transaction on PostgreSQL), so the event is stored when the change is, or neither is.
     */
    async enqueue(event: WebhookEvent, data: object, handle: Kysely<DatabaseTables> = deps.db): Promise<void> {
      const subscribed = (await repo.listWebhooks(handle)).filter((row) =>
        isSubscribed(JSON.parse(row.events) as string[], event),
      );
      await repo.insertDeliveries(
        handle,
        subscribed.map((row) => deliveryRow(row.id, event, data)),
      );
    },

    /** Queues a `webhook.test` event for this webhook alone; returns its message id. */
    async sendTest(id: string): Promise<string> {
      await requireWebhook(id);
      const row = deliveryRow(id, 'webhook.test', { webhook: { id } });
      await repo.insertDeliveries(deps.db, [row]);
      return row.id;
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
