import { EventEmitter } from 'node:events';
import type { Server, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { capConnectionsPerAddress } from './connection-cap.js';

/** A socket as far as the cap looks at it: its peer address, destroy, and close. */
function fakeSocket(remoteAddress: string) {
  const socket = Object.assign(new EventEmitter(), {
    remoteAddress,
    destroyed: false,
    destroy() {
      socket.destroyed = true;
    },
  });
  return socket;
}

function cappedServer(maxConnectionsPerAddress: number, ipv6PrefixLength = 64) {
  const server = new EventEmitter();
  capConnectionsPerAddress(server as unknown as Server, { maxConnectionsPerAddress, ipv6PrefixLength }, () => false);
  return (address: string) => {
    const socket = fakeSocket(address);
    server.emit('connection', socket as unknown as Socket);
    return socket;
  };
}

describe('connection cap per client', () => {
  it('counts every address of one IPv6 /64 against one cap, and another /64 apart', () => {
    const connect = cappedServer(2);
    expect(connect('2001:db8:1:1::1').destroyed).toBe(false);
    expect(connect('2001:db8:1:1::2').destroyed).toBe(false);
    expect(connect('2001:db8:1:1:ffff::3').destroyed).toBe(true);
    expect(connect('2001:db8:1:2::1').destroyed).toBe(false);
  });

  it('counts the IPv4-mapped spelling of an address as that address', () => {
    const connect = cappedServer(1);
    expect(connect('192.0.2.1').destroyed).toBe(false);
    expect(connect('::ffff:192.0.2.1').destroyed).toBe(true);
  });

  it('frees a place when a connection closes', () => {
    const connect = cappedServer(1);
    const first = connect('2001:db8::1');
    expect(connect('2001:db8::2').destroyed).toBe(true);
    first.emit('close');
    expect(connect('2001:db8::3').destroyed).toBe(false);
  });
});
