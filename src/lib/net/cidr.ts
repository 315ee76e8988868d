import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** An address (`10.0.0.1`, `::1`) or CIDR (`10.0.0.0/8`, `2001:db8::/32`), or null when neither. */
function parseEntry(entry: string): Range | null {
  // Only the canonical forms: `1.2.3` or `0x7f.1` would be accepted by the parser as IPv4.
  const address = entry.split('/')[0] ?? '';
  const isCanonical =
    ipaddr.IPv4.isValidFourPartDecimal(address) || (address.includes(':') && ipaddr.IPv6.isValid(address));
  if (!isCanonical) return null;
  try {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const address = ipaddr.parse(entry);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

export function isValidCidr(entry: string): boolean {
  return parseEntry(entry) !== null;
}

/**
 * A matcher for a list of addresses and CIDRs. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`,
 * as a dual-stack socket reports IPv4 peers) match IPv4 entries.
 */
export function createCidrMatcher(entries: readonly string[]): (ip: string) => boolean {
  const ranges = entries.map(parseEntry).filter((range): range is Range => range !== null);
  if (ranges.length === 0) return () => false;
  return (ip) => {
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      address = ipaddr.process(ip);
    } catch {
      return false;
    }
    return ranges.some(([base, bits]) => address.kind() === base.kind() && address.match(base, bits));
  };
}
