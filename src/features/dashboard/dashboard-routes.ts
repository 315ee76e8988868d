import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { appError } from '../../errors/index.js';
import type { HttpApp } from '../../http/http-app.js';
import { DASHBOARD_CSP } from '../../http/security-headers.js';
import { type DashboardBuild, DEFAULT_DASHBOARD_DIR, loadDashboardBuild } from './dashboard-build.js';

/** The file's name after `/_/assets/` (the wildcard): looked up by exact name, never as a path. */
const AssetParams = Type.Object({ '*': Type.String() });

/** Hashed names change with their content, so a browser may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bulwark · dashboard not built</title></head>
<body>
<h1>The dashboard is not built</h1>
<p>This server has no dashboard files. In the server's folder run <code>npm run build</code>
(<code>npm ci</code> runs it too), then restart the server.</p>
</body>
</html>
`;

export interface DashboardOptions {
  /** The built dashboard's folder; `dist/dashboard` of the server by default. */
  dir?: string;
}

/**
 * The dashboard at `/_/`: every address under it (the app's own routes) answers the app's page,
 * never cached; `/_/assets/<hashed name>` the built files, cached for good. `/_/setup` and its
 * files stay the set-up page's (static routes win over the wildcard). Every answer carries the
 * dashboard CSP (scripts and styles from this origin only, Trusted Types required) on top of
 * the pipeline's security headers.
 */
export function registerDashboard(app: HttpApp, options: DashboardOptions = {}): void {
  const build = loadDashboardBuild(options.dir ?? DEFAULT_DASHBOARD_DIR);
  const page = (_request: unknown, reply: FastifyReply) => sendPage(reply, build);
  app.get('/_', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/_/', 308));
  app.get('/_/', { schema: { hide: true } }, async (request, reply) => page(request, reply));
  app.get('/_/*', { schema: { hide: true } }, async (request, reply) => page(request, reply));
  app.get('/_/assets/*', { schema: { hide: true, params: AssetParams } }, async (request, reply) => {
    const asset = build.built ? build.assets.get(request.params['*']) : undefined;
    if (!asset) throw appError('HTTP_NOT_FOUND', { detail: 'No such dashboard file; reload the dashboard.' });
    return reply
      .header('content-security-policy', DASHBOARD_CSP)
      .header('cache-control', IMMUTABLE)
      .type(asset.contentType)
      .send(asset.body);
  });
}

function sendPage(reply: FastifyReply, build: DashboardBuild): FastifyReply {
  reply.header('content-security-policy', DASHBOARD_CSP).header('cache-control', 'no-store');
  if (!build.built) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
  return reply.type('text/html; charset=utf-8').send(build.indexHtml);
}
