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
  app.decorateRequest('client', {
    getter(this: FastifyRequest): ClientAddress {
      let client = described.get(this);
      if (!client) {
        // Fastify leaves `ip` undefined when the socket is already gone.
        client = describeClientAddress(this.ip ?? '', ipv6PrefixLength);
        described.set(this, client);
      }
      return client;
    },
  });
}
