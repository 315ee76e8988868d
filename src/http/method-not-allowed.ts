import type { FastifyInstance } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Never named in a 405's `Allow`: other methods get the 404 of an unknown path. */
    unlisted?: boolean;
  }
}

const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Fastify answers 404 for a known path with another method; HTTP says 405 with `Allow`.
 * A shadow router, fed by the onRoute hook, tells which methods a path does have.
 */
export function trackRouteMethods(app: FastifyInstance): (url: string) => HTTPMethod[] {
  const router = FindMyWay({ ignoreTrailingSlash: false });
  app.addHook('onRoute', (route) => {
    // Catch-all routes (a CORS preflight handler) would make every path look known.
    if (route.url === '*' || route.url.endsWith('/*')) return;
    // A route that must not be confirmed to strangers (`/metrics`) is never named in `Allow`.
    if (route.config?.unlisted === true) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (METHODS.includes(method as HTTPMethod) && !router.find(method as HTTPMethod, route.url)) {
        router.on(method as HTTPMethod, route.url, () => undefined);
      }
    }
  });
  return (url) => {
    const path = url.split('?')[0] ?? url;
    return METHODS.filter((method) => router.find(method, path) !== null);
  };
}
