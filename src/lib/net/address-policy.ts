import ipaddr from 'ipaddr.js';
import { createCidrMatcher } from './cidr.js';

/**
 * Which addresses an outbound request may reach (SSRF). Only globally routable unicast space is
 * allowed; everything an attacker could use to reach this machine, its network or its cloud
 * provider is refused unless an administrator allow-lists it:
 * loopback, private, link-local, CGNAT, multicast, broadcast, unspecified, reserved and
 * benchmarking ranges (named by ipaddr.js's `range()`), IPv4-mapped and NAT64 IPv6 (judged by
 * the IPv4 address inside), 6to4 and Teredo (tunnels to an address we cannot vouch for), and the
 * cloud metadata endpoints (listed explicitly even where a range already covers them, so removing
 * a range never re-opens them).
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;

interface NamedRange {
  name: string;
  range: [Address, number];
}
const named = (name: string, cidrs: string[]): NamedRange[] =>
  cidrs.map((cidr) => ({ name, range: ipaddr.parseCIDR(cidr) }));

/** Cloud metadata endpoints: credentials for the machine's cloud account live behind them. */
const METADATA: readonly NamedRange[] = named('metadata', [
  '169.254.169.254/32', // AWS, GCP, Azure, OpenStack
  '100.100.100.200/32', // Alibaba Cloud
  'fd00:ec2::254/128', // AWS over IPv6
]);

/** Ranges ipaddr.js calls `unicast` but that are not global unicast. */
const NOT_GLOBAL: readonly NamedRange[] = [
  ...named('ipv4Compatible', ['::/96']), // deprecated ::a.b.c.d
  ...named('nonGlobal', ['::/3', '4000::/2', '8000::/1']), // IPv6 unicast is 2000::/3
];

function nameOf(address: Address, ranges: readonly NamedRange[]): string | null {
  const found = ranges.find(({ range }) => address.kind() === range[0].kind() && address.match(range));
  return found?.name ?? null;
}

/** NAT64 well-known prefix (RFC 6052): the last 32 bits are the IPv4 address reached. */
const NAT64_PREFIX = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * The name of the refused range `address` falls in, or null when it is global unicast.
 * `address` must be a literal IP (any form ipaddr.js parses); anything else is refused as
 * `invalid`.
 */
export function refusedRangeOf(address: string): string | null {
  let parsed: Address;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'invalid';
  }
  return judge(parsed);
}

function judge(address: Address): string | null {
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    // `::ffff:127.0.0.1` and `64:ff9b::7f00:1` reach the IPv4 address inside: judge that.
    if (v6.isIPv4MappedAddress()) return judge(v6.toIPv4Address());
    if (v6.match(NAT64_PREFIX)) return judge(new ipaddr.IPv4(v6.toByteArray().slice(12)));
  }
  const range = address.range();
  return nameOf(address, METADATA) ?? (range === 'unicast' ? nameOf(address, NOT_GLOBAL) : range);
}

/** The refusal for one address under an allow-list: null when it may be reached. */
export type AddressJudge = (address: string) => string | null;

/**
 * Builds the judge for a policy: an address inside `allowedCidrs` is allowed whatever its range
 * (an IPv4-mapped address matches IPv4 entries); any other is refused when its range is.
 */
export function createAddressJudge(allowedCidrs: readonly string[]): AddressJudge {
  const isAllowListed = createCidrMatcher(allowedCidrs);
  return (address) => (isAllowListed(address) ? null : refusedRangeOf(address));
}

/** Wider than this, an allow-list entry opens more than one site's network (config check). */
const NARROWEST_BROAD_PREFIX = { ipv4: 16, ipv6: 48 } as const;

/**
 * True when an allow-list entry is broader than an administrator likely meant: it contains a
 * cloud metadata address, or it is wider than /16 (IPv6: /48) and not global unicast space,
 * e.g. all of 10/8 or all of loopback and link-local. Invalid entries are not broad (another
 * check reports them).
 */
export function isBroadAllowance(entry: string): boolean {
  let base: Address;
  let bits: number;
  try {
    const address = ipaddr.parse(entry.split('/')[0] ?? '');
    [base, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return false;
  }
  const containsMetadata = METADATA.some(({ range }) => range[0].kind() === base.kind() && range[0].match(base, bits));
  return containsMetadata || (bits < NARROWEST_BROAD_PREFIX[base.kind()] && judge(base) !== null);
}
