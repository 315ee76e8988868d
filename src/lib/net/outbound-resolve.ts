import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Every address a host name resolves to (IPv4 and IPv6), in the resolver's order. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/**
 * The system resolver (`getaddrinfo`, so `/etc/hosts` counts) or, when `dnsServers` is set, a
 * resolver that asks only those servers (A and AAAA). Either way every answer is returned, so the
 * caller can refuse the host when any one of them is refused, and an empty list means the name
 * does not resolve.
 */
export function createHostResolver(dnsServers: readonly string[], timeoutMs: number): ResolveHost {
  if (dnsServers.length === 0) return resolveWithSystem;
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  resolver.setServers([...dnsServers]);
  return async (hostname) => {
    const [v4, v6] = await Promise.all([
      resolver.resolve4(hostname).catch(() => []),
      resolver.resolve6(hostname).catch(() => []),
    ]);
    return [...v4, ...v6];
  };
}

async function resolveWithSystem(hostname: string): Promise<string[]> {
  try {
    const answers = await lookup(hostname, { all: true });
    return answers.map((answer) => answer.address);
  } catch {
    return [];
  }
}

/** `1.1.1.1`, `1.1.1.1:53`, `2606:4700::1111`, `[2606:4700::1111]:53`: the forms `setServers` takes. */
export function isValidDnsServer(entry: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracketed) return isIP(bracketed[1] ?? '') === 6 && isPort(bracketed[2]);
  if (isIP(entry) !== 0) return true;
  const [host, port, ...rest] = entry.split(':');
  return rest.length === 0 && isIP(host ?? '') === 4 && isPort(port);
}

function isPort(text: string | undefined): boolean {
  return text === undefined || (/^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65_535);
}
