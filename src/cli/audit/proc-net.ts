import ipaddr from 'ipaddr.js';

export interface ListeningSocket {
  inode: string;
  /** Canonical address (`127.0.0.1`, `::`, `2001:db8::1`; IPv4-mapped IPv6 as IPv4). */
  address: string;
  port: number;
}

/** `st` column value of a listening TCP socket (include/net/tcp_states.h: TCP_LISTEN = 10). */
const TCP_LISTEN = '0A';

/**
 * Parses Linux's `/proc/<pid>/net/tcp` or `tcp6` (proc_net_tcp(5)): one socket per line after
 * the header, `sl local_address rem_address st … uid timeout inode`, addresses in hex as the
 * kernel holds them (each 32-bit word in host byte order, little-endian on the machines we run on).
 */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    const [local, state, inode] = [columns[1], columns[3], columns[9]];
    if (!local || state !== TCP_LISTEN || !inode) continue;
    const [hexAddress = '', hexPort = ''] = local.split(':');
    const address = decodeAddress(hexAddress);
    if (address !== null) sockets.push({ inode, address, port: Number.parseInt(hexPort, 16) });
  }
  return sockets;
}

function decodeAddress(hex: string): string | null {
  if (hex.length !== 8 && hex.length !== 32) return null;
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    // Each 32-bit word is little-endian: its bytes come last-first.
    for (let byte = 6; byte >= 0; byte -= 2) bytes.push(Number.parseInt(hex.slice(word + byte, word + byte + 2), 16));
  }
  const parsed = ipaddr.fromByteArray(bytes);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address().toString();
  }
  return parsed.toString();
}

/** Whether a listening address can only be reached from this machine. */
export function isLoopbackAddress(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.parse(address).range() === 'loopback';
}

/** `127.0.0.1:8090`, `[::]:8090`. */
export function formatSocket(socket: Pick<ListeningSocket, 'address' | 'port'>): string {
  return socket.address.includes(':') ? `[${socket.address}]:${socket.port}` : `${socket.address}:${socket.port}`;
}
