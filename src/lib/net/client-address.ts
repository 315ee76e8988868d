import ipaddr from 'ipaddr.js';

/** How the server tells clients apart: the one spelling of an address, and what it is counted by. */
export interface ClientAddress {
  /**
   * The canonical spelling: IPv4 in dotted decimal; an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`,
   * as dual-stack sockets report IPv4 peers) as the IPv4 address it carries; other IPv6 in
   * RFC 5952 form (lower case, longest zero run compressed) without brackets or zone id.
   */
  address: string;
  /**
   * What limits, bans and throttles count: the IPv4 address itself, or the IPv6 address's
   * network of `ipv6PrefixLength` bits (`2001:db8:1:2::/64`); at 128 the address itself.
   */
  key: string;
}

/** IPv6 has 128 bits; a prefix of that length is one address. */
const IPV6_BITS = 128;

function parse(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1');
  // The zone id names an interface of the receiving host, not a different client.
  const withoutZone = bare.replace(/%.*$/, '');
  if (!ipaddr.isValid(withoutZone)) return null;
  return ipaddr.process(withoutZone);
}

/** `address` with every bit past the first `bits` cleared. */
function networkOf(address: ipaddr.IPv6, bits: number): ipaddr.IPv6 {
  const bytes = address.toByteArray().map((byte, index) => {
    const kept = Math.min(8, Math.max(0, bits - index * 8));
    return byte & ((0xff << (8 - kept)) & 0xff);
  });
  return ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
}

/**
 * The canonical address and counting key of a client address as a socket or a trusted proxy
 * reported it. One host, or one home, usually holds a whole IPv6 /64 and can use any address in
 * it, so counting IPv6 clients by the full address would let them rotate past every limit and
 * ban; and without one spelling, `::ffff:1.2.3.4`, `2001:0DB8::1` or `fe80::1%eth0` would each
 * be a stranger to a ban on `1.2.3.4`, `2001:db8::1` or `fe80::1`. Text that is no address (a
 * misbehaving proxy) is kept, lower-cased, for both.
 *
 * @example
 * describeClientAddress('2001:0DB8:0:0:1::7', 64) // { address: '2001:db8::1:0:0:7', key: '2001:db8::/64' }
 */
export function describeClientAddress(text: string, ipv6PrefixLength: number): ClientAddress {
  const parsed = parse(text);
  if (!parsed) {
    const kept = text.trim().toLowerCase();
    return { address: kept, key: kept };
  }
  if (parsed.kind() === 'ipv4') {
    const address = parsed.toString();
    return { address, key: address };
  }
  const ipv6 = parsed as ipaddr.IPv6;
  const address = ipv6.toRFC5952String();
  if (ipv6PrefixLength >= IPV6_BITS) return { address, key: address };
  return { address, key: `${networkOf(ipv6, ipv6PrefixLength).toRFC5952String()}/${ipv6PrefixLength}` };
}

/**
 * The canonical spelling of `text` (as `describeClientAddress` gives it) when it is an IP
 * address, else null: a search by address must match what entries store, however it is spelt.
 *
 * @example
 * canonicalAddress('2001:0DB8::0:1') // '2001:db8::1'
 */
export function canonicalAddress(text: string): string | null {
  return parse(text) ? describeClientAddress(text, IPV6_BITS).address : null;
}
