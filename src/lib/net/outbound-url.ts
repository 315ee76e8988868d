import { isIP } from 'node:net';
import type { AddressJudge } from './address-policy.js';
import { OutboundError } from './outbound-types.js';

/**
 * The URL checks made before any DNS lookup: scheme, credentials and a literal address. The
 * WHATWG URL parser has already turned every IPv4 spelling (`0x7f000001`, `2130706433`,
 * `0177.0.0.1`, `127.1`) into dotted decimal and every IPv6 one into its canonical form, so the
 * address judged here is the address a connection would reach, never a string compared to a
 * list.
 */

/** `https://host:port/path`, without credentials, query or fragment (they may carry secrets). */
export function describeUrl(url: URL | string): string {
  const parsed = typeof url === 'string' ? URL.parse(url) : url;
  if (!parsed) return '(not a URL)';
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** The host of a URL as an address or name to resolve: `[::1]` → `::1`. */
export function hostOf(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** True when the URL's host is an IP literal (no DNS needed). */
export function isLiteralHost(url: URL): boolean {
  return isIP(hostOf(url)) !== 0;
}

/**
 * Parses and checks a URL; returns the parsed URL or the refusal. Names are not resolved here.
 */
export function checkParsedUrl(raw: string, allowHttp: boolean, judge: AddressJudge): URL | OutboundError {
  const url = URL.parse(raw);
  if (!url) return new OutboundError('scheme', describeUrl(raw), 'the URL is not a valid absolute URL');
  const safe = describeUrl(url);
  const schemes = allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    return new OutboundError('scheme', safe, `only ${schemes.join(' or ')} URLs may be called`);
  }
  // Credentials in a URL end up in logs and are forwarded by some clients: refuse them.
  if (url.username !== '' || url.password !== '') {
    return new OutboundError('scheme', safe, 'the URL must not contain a user name or password');
  }
  for (const address of addressesKnownFor(url)) {
    const range = judge(address);
    if (range !== null) return refusedAddress(safe, address, range);
  }
  return url;
}

/**
 * The addresses a host reaches without asking DNS: a literal, or loopback for `localhost` and
 * `*.localhost` (RFC 6761 reserves them for loopback, whatever a resolver says). Other names: none.
 */
function addressesKnownFor(url: URL): string[] {
  if (isLiteralHost(url)) return [hostOf(url)];
  const name = url.hostname.replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') ? ['127.0.0.1', '::1'] : [];
}

export function refusedAddress(safeUrl: string, address: string, range: string): OutboundError {
  return new OutboundError(
    'address',
    safeUrl,
    `the address ${address} is in a refused range (${range}); an administrator can allow it in outbound.allowedCidrs`,
    address,
  );
}
