import type { Server } from 'node:net';
import { describeClientAddress } from '../lib/net/client-address.js';

/**
 * Caps the open connections one client may hold, so one client (or a slowloris swarm from one
 * host) cannot take every socket; connections over the cap are closed before any byte is read.
 * Clients are counted like everywhere else: by canonical address, IPv6 by its network of
 * `ipv6PrefixLength` bits, so a host cannot spread its sockets over its /64. Addresses for
 * which `isExempt` is true (trusted proxies, the allow list) are not capped.
 */
export function capConnectionsPerAddress(
  server: Server,
  limits: { maxConnectionsPerAddress: number; ipv6PrefixLength: number },
  isExempt: (ip: string) => boolean,
): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const ip = socket.remoteAddress;
    if (!ip || isExempt(ip)) return;
    const { key } = describeClientAddress(ip, limits.ipv6PrefixLength);
    const count = (open.get(key) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}
