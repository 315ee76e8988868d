import { Type } from '@sinclair/typebox';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';

export type DependencyState = 'ok' | 'down';
export type ReadinessProbe = () => Promise<Record<string, DependencyState>>;

const ReadyResponse = Type.Object({
  status: Type.Literal('ready'),
  checks: Type.Record(Type.String(), Type.Union([Type.Literal('ok'), Type.Literal('down')])),
});

/** Seconds a load balancer should wait before probing again after a failed readiness check. */
const NOT_READY_RETRY_AFTER_SECONDS = 5;

/** Readiness: 200 only when every required store answers, else 503 naming which one is down. */
export function registerReadyRoute(app: HttpApp, probe: ReadinessProbe): void {
  app.get(
    '/api/ready',
    {
      schema: {
        tags: ['ops'],
        summary: 'Readiness probe: database and stores reachable',
        response: { 200: ReadyResponse, 503: { $ref: 'Problem#' } },
      },
    },
    async () => {
      const checks = await probe();
      const down = Object.keys(checks).filter((name) => checks[name] !== 'ok');
      if (down.length > 0) {
        throw appError('HTTP_UNAVAILABLE', {
          detail: `Not ready: ${down.join(', ')} unreachable.`,
          expose: true,
          headers: { 'retry-after': String(NOT_READY_RETRY_AFTER_SECONDS) },
        });
      }
      return { status: 'ready' as const, checks };
    },
  );
}
