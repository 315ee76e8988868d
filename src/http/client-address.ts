import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ClientAddress, describeClientAddress } from '../lib/net/client-address.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The caller's address as Fastify derived it (X-Forwarded-For only from trusted proxies),
     * canonicalised once: `client.address` for audit entries, sessions and lists,
     * `client.key` for everything that counts or refuses a client (limits, bans, throttles).
     * Never key on `request.ip`: other spellings and the rest of an IPv6 /64 would slip past.
     */
    readonly client: ClientAddress;
  }
}

/** Adds `request.client`, worked out on first use and kept for the rest of the request. */
export function registerClientAddress(app: FastifyInstance, ipv6PrefixLength: number): void {
  const described = new WeakMap<FastifyRequest, ClientAddress>();
  // The last address described on each connection: the requests of a kept-alive connection
  // (same peer, and behind a trusted proxy most often the same forwarded client) reuse it
  // instead of parsing it again. Keyed by the exact `ip` text, so another client is described anew.
  const lastOnSocket = new WeakMap<object, { ip: string; client: ClientAddress }>();
  app.decorateRequest('client', {
    getter(this: FastifyRequest): ClientAddress {
      let client = described.get(this);
      if (!client) {
        // Fastify leaves `ip` undefined when the socket is already gone.
        const ip = this.ip ?? '';
        const last = lastOnSocket.get(this.raw.socket);
        if (last !== undefined && last.ip === ip) client = last.client;
        else {
          client = Object.freeze(describeClientAddress(ip, ipv6PrefixLength));
          lastOnSocket.set(this.raw.socket, { ip, client });
        }
        described.set(this, client);
      }
      return client;
    },
  });
}
