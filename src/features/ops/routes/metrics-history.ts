import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../../http/http-app.js';
import { requireAdmin } from '../../auth-core/index.js';
import type { MetricsHistory } from '../metrics-history.js';

const SignIns = Type.Object({
  success: Type.Integer(),
  failure: Type.Integer(),
  throttled: Type.Integer(),
  secondFactorRequired: Type.Integer({ description: 'Passwords accepted that still owed a second factor.' }),
});
const Denials = Type.Object({
  rules: Type.Integer({ description: 'Record operations denied by a collection rule.' }),
  csrf: Type.Integer({ description: 'Requests refused by the CSRF check.' }),
  rateLimit: Type.Integer({ description: 'Requests refused with 429.' }),
});
const Nullable = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

const SampleSchema = Type.Object({
  time: Type.String({ description: 'End of the interval.' }),
  signIns: SignIns,
  denials: Denials,
  bansIssued: Type.Integer(),
  requests: Type.Integer(),
  latencyMs: Type.Object({
    mean: Nullable('Mean time to answer a request in the interval; null without requests.'),
    p95: Nullable('95th percentile, interpolated within the histogram bucket; null without requests.'),
  }),
});

/** `GET /api/admin/metrics`: the dashboard's charts, from the answering instance's memory. */
export function registerMetricsHistoryRoute(app: HttpApp, history: MetricsHistory): void {
  app.get(
    '/api/admin/metrics',
    {
      schema: {
        tags: ['admin'],
        summary: "This instance's recent security counters and request latency",
        description:
          'Each instance answers with its own in-memory history, kept since it started: one sample a ' +
          'minute for the last hour (each the counts within that minute), the minute under way as the ' +
          'last sample, and the totals since start. Behind a load balancer, successive calls may reach ' +
          'different instances; for a whole cluster, scrape `GET /metrics` with Prometheus.',
        response: {
          200: Type.Object({
            startedAt: Type.String({ description: 'When this instance started keeping the history.' }),
            intervalSeconds: Type.Integer(),
            totals: Type.Object({
              signIns: SignIns,
              denials: Denials,
              bansIssued: Type.Integer(),
              requests: Type.Integer(),
            }),
            samples: Type.Array(SampleSchema),
          }),
          401: { $ref: 'Problem#' },
          403: { $ref: 'Problem#' },
        },
      },
    },
    async (request) => {
      requireAdmin(request);
      return history.read();
    },
  );
}
