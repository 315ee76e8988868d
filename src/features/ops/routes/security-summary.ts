import { Type } from '@sinclair/typebox';
import type { Database } from '../../../db/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { countAuditTypes } from '../../audit/index.js';
import { requireAdmin } from '../../auth-core/index.js';

/** The summary looks back one day: the span an operator checks at a glance each morning. */
const SUMMARY_WINDOW_MS = 24 * 60 * 60 * 1000;

const CountSchema = Type.Object({ name: Type.String(), count: Type.Integer() });

/** `auth.login.failure` belongs to the family `auth`. */
const familyOf = (type: string) => type.split('.')[0] ?? type;

function sortedCounts(counts: Map<string, number>) {
  return [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/** `GET /api/admin/security/summary`: audit entries of the last 24 hours by family and by type. */
export function registerSecuritySummaryRoute(app: HttpApp, deps: { database: Database; now: () => number }) {
  app.get(
    '/api/admin/security/summary',
    {
      schema: {
        tags: ['admin'],
        summary: 'Audit entries of the last 24 hours, counted by event family and by event type',
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            total: Type.Integer(),
            families: Type.Array(CountSchema),
            events: Type.Array(CountSchema),
          }),
          401: { $ref: 'Problem#' },
          403: { $ref: 'Problem#' },
        },
      },
    },
    async (request) => {
      requireAdmin(request);
      const toMs = deps.now();
      const fromMs = toMs - SUMMARY_WINDOW_MS;
      const types = await countAuditTypes(deps.database, fromMs, toMs);
      const families = new Map<string, number>();
      for (const { type, count } of types) families.set(familyOf(type), (families.get(familyOf(type)) ?? 0) + count);
      return {
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        total: types.reduce((sum, { count }) => sum + count, 0),
        families: sortedCounts(families),
        events: sortedCounts(new Map(types.map(({ type, count }) => [type, count]))),
      };
    },
  );
}
