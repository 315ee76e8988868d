import { Type } from '@sinclair/typebox';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import { describeClientAddress } from '../../../lib/net/client-address.js';
import type { BanStore } from '../../../stores/index.js';
import type { AuditSink } from '../../audit/index.js';
import { requireAdmin, requireAdminWrite } from '../../auth-core/index.js';

const BanSchema = Type.Object({ ip: Type.String(), reason: Type.String(), since: Type.String(), until: Type.String() });

export interface BanRouteDeps {
  bans: BanStore;
  audit: AuditSink;
  stepUpWindowSeconds: number;
  /** Bans are kept under a client's key (an IPv6 client's /64); see `request.client`. */
  ipv6PrefixLength: number;
  now: () => number;
}

/** Administrators see the bans in force on every instance and can lift one early. */
export function registerBanRoutes(app: HttpApp, deps: BanRouteDeps): void {
  app.get(
    '/api/admin/bans',
    {
      schema: {
        tags: ['admin'],
        summary: 'Addresses banned now',
        response: {
          200: Type.Object({ items: Type.Array(BanSchema) }),
          401: { $ref: 'Problem#' },
          403: { $ref: 'Problem#' },
        },
      },
    },
    async (request) => {
      requireAdmin(request);
      const iso = (ms: number) => new Date(ms).toISOString();
      const bans = await deps.bans.list();
      return {
        items: bans.map((ban) => ({
          ip: ban.ip,
          reason: ban.reason,
          since: iso(ban.sinceMs),
          until: iso(ban.untilMs),
        })),
      };
    },
  );

  app.delete(
    '/api/admin/bans/:ip',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Lift a ban (step-up required): name the banned key as listed, or any spelling of an address it covers',
        params: Type.Object({ ip: Type.String({ minLength: 2, maxLength: 64 }) }),
        response: { 204: NoContent, 404: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const auth = requireAdminWrite(request, deps.stepUpWindowSeconds, deps.now());
      const { ip } = request.params;
      // `2001:db8::/64` as listed, or `2001:DB8::7` inside it: both name the same ban.
      const key = describeClientAddress(ip.split('/')[0] ?? '', deps.ipv6PrefixLength).key;
      if (!(await deps.bans.unban(key))) throw appError('HTTP_NOT_FOUND', { detail: 'No ban for that address.' });
      await deps.audit.record({
        type: 'abuse.unban',
        actor: auth.user.id,
        ip: request.client.address,
        requestId: String(request.id),
        details: { unbanned: key },
      });
      return reply.code(204).send();
    },
  );
}
