import { Type } from '@sinclair/typebox';
import type { Finding } from '../../../config/index.js';
import type { Database } from '../../../db/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { countAuditTypes } from '../../audit/index.js';
import { requireAdmin } from '../../auth-core/index.js';

/** The summary looks back one day: the span an operator checks at a glance each morning. */
const SUMMARY_WINDOW_MS = 24 * 60 * 60 * 1000;

const CountSchema = Type.Object({ name: Type.String(), count: Type.Integer() });

const FindingSchema = Type.Object({
  id: Type.String(),
  severity: Type.Union([Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')]),
  message: Type.String(),
  fix: Type.String(),
});

export interface SecuritySummaryDeps {
  database: Database;
  now: () => number;
  /** The configuration and deployment checks as they stand now (file modes, certificate expiry). */
  findings: () => Finding[];
}

/** `auth.login.failure` belongs to the family `auth`. */
const familyOf = (type: string) => type.split('.')[0] ?? type;

function sortedCounts(counts: Map<string, number>) {
  return [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/**
 * `GET /api/admin/security/summary`: the configuration findings of `bulwark audit` that hold now
 * (most severe first, each with its fix), and audit entries of the last 24 hours by family and type.
 */
export function registerSecuritySummaryRoute(app: HttpApp, deps: SecuritySummaryDeps) {
  app.get(
    '/api/admin/security/summary',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Configuration findings that hold now, with their fixes, and audit entries of the last 24 hours counted by event family and type',
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            total: Type.Integer(),
            findings: Type.Array(FindingSchema),
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
        findings: deps.findings(),
        families: sortedCounts(families),
        events: sortedCounts(new Map(types.map(({ type, count }) => [type, count]))),
      };
    },
  );
}
