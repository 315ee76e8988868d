import type { Server } from 'node:net';

/**
 * Caps the open connections one address may hold, so one client (or a slowloris swarm from
 * one host) cannot take every socket; connections over the cap are closed before any byte is
 * read. Addresses for which `isExempt` is true (trusted proxies, the allow list) are not capped.
 */
export function capConnectionsPerAddress(
  server: Server,
  maxPerAddress: number,
  isExempt: (ip: string) => boolean,
): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const ip = socket.remoteAddress;
    if (!ip || isExempt(ip)) return;
    const count = (open.get(ip) ?? 0) + 1;
    if (count > maxPerAddress) {
      socket.destroy();
      return;
    }
    open.set(ip, count);
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left <= 0) open.delete(ip);
      else open.set(ip, left);
    });
  });
}
