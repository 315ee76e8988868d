import { type Static, Type } from '@sinclair/typebox';
import type { Database } from '../../../db/index.js';
import type { FieldError } from '../../../errors/app-error.js';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { pageOf } from '../../../http/page-schema.js';
import { canonicalAddress } from '../../../lib/net/client-address.js';
import { parseIsoInstant } from '../../../lib/time/iso-instant.js';
import { type AuditQuery, type AuditTypeFilter, searchAuditLog } from '../../audit/index.js';
import { requireAdmin } from '../../auth-core/index.js';

/** A page holds at most this many entries: enough to read a burst, small enough to answer fast. */
export const MAX_AUDIT_PER_PAGE = 500;
const DEFAULT_AUDIT_PER_PAGE = 50;

/** Event types are dotted code names (`auth.login.failure`); a family ends in `.*`. */
const EVENT_TYPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
const EVENT_FAMILY = /^([a-z0-9_-]+(\.[a-z0-9_-]+)*\.)\*$/;

const AuditEntrySchema = Type.Object({
  /** The entry's hash: its identity in the chain, the same in an export or a shipped copy. */
  id: Type.String(),
  seq: Type.Integer(),
  at: Type.String(),
  type: Type.String(),
  actor: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Object({}, { additionalProperties: true }),
});

const AuditQuerySchema = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO-8601 instant: entries at or after it.' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO-8601 instant: entries at or before it.' })),
    event: Type.Optional(
      Type.String({ maxLength: 100, description: 'An event type (`auth.login.failure`) or a family (`auth.*`).' }),
    ),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'User id or `system`.' })),
    ip: Type.Optional(Type.String({ maxLength: 64, description: 'Client address, any spelling of it.' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_AUDIT_PER_PAGE, default: DEFAULT_AUDIT_PER_PAGE })),
    skipTotal: Type.Optional(
      Type.Boolean({ default: false, description: 'Skip counting: `totalItems` and `totalPages` are -1.' }),
    ),
  },
  { additionalProperties: false },
);

/** The query as its schema admits it: text and numbers checked, their meaning checked below. */
type RawQuery = Static<typeof AuditQuerySchema>;

const invalid = (field: string, message: string): FieldError => ({ field, code: 'format', message });

function parseInstant(field: string, text: string | undefined, problems: FieldError[]): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseIsoInstant(text);
  if (ms === null) problems.push(invalid(field, 'must be an ISO-8601 instant, e.g. 2026-12-05T10:00:00Z'));
  return ms ?? undefined;
}

function parseEvent(text: string | undefined, problems: FieldError[]): AuditTypeFilter | undefined {
  if (text === undefined) return undefined;
  const family = EVENT_FAMILY.exec(text)?.[1];
  if (family) return { prefix: family };
  if (EVENT_TYPE.test(text)) return { exact: text };
  problems.push(invalid('event', 'must be an event type (auth.login.failure) or a family (auth.*)'));
  return undefined;
}

/** The query as the search takes it, or a 400 naming every field that is not valid. */
export function toAuditQuery(raw: RawQuery): AuditQuery {
  const problems: FieldError[] = [];
  const fromMs = parseInstant('from', raw.from, problems);
  const toMs = parseInstant('to', raw.to, problems);
  const type = parseEvent(raw.event, problems);
  const ip = raw.ip === undefined ? undefined : canonicalAddress(raw.ip);
  if (ip === null) problems.push(invalid('ip', 'must be an IPv4 or IPv6 address'));
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) {
    problems.push({ field: 'from', code: 'range', message: 'must not be after `to`' });
  }
  if (problems.length > 0) throw appError('HTTP_VALIDATION', { fields: problems, detail: 'Invalid querystring.' });
  const perPage = raw.perPage ?? DEFAULT_AUDIT_PER_PAGE;
  return {
    fromMs,
    toMs,
    type,
    actor: raw.actor,
    ip: ip ?? undefined,
    offset: ((raw.page ?? 1) - 1) * perPage,
    limit: perPage,
    withTotal: raw.skipTotal !== true,
  };
}

/**
 * `GET /api/admin/audit`: administrators (and admin-scoped API keys) search the audit log.
 * Reading needs no step-up: it changes nothing, and an investigation should not be slowed.
 */
export function registerAuditSearchRoute(app: HttpApp, database: Database): void {
  app.get(
    '/api/admin/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'Search the audit log, newest first: by time, event type or family, actor and address',
        querystring: AuditQuerySchema,
        response: {
          200: pageOf(AuditEntrySchema),
          400: { $ref: 'Problem#' },
          401: { $ref: 'Problem#' },
          403: { $ref: 'Problem#' },
        },
      },
    },
    async (request) => {
      requireAdmin(request);
      const query = toAuditQuery(request.query);
      const { rows, total } = await searchAuditLog(database, query);
      const perPage = query.limit;
      return {
        page: query.offset / perPage + 1,
        perPage,
        totalItems: total ?? -1,
        totalPages: total === null ? -1 : Math.ceil(total / perPage),
        items: rows.map((row) => ({
          id: row.hash,
          seq: row.seq,
          at: new Date(row.at_ms).toISOString(),
          type: row.type,
          actor: row.actor,
          ip: row.ip,
          requestId: row.request_id,
          details: JSON.parse(row.details) as Record<string, unknown>,
        })),
      };
    },
  );
}
