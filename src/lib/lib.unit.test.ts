import { describe, expect, it } from 'vitest';
import { deriveKey } from './crypto/derive-key.js';
import { randomToken } from './crypto/random-token.js';
import { canonicalJson } from './encoding/canonical-json.js';
import { isLoopbackHost } from './net/ip.js';

describe('deriveKey', () => {
  it('gives different 32-byte keys per purpose and never the master key itself', () => {
    const master = Buffer.alloc(32, 7);
    const session = deriveKey(master, 'session');
    const csrf = deriveKey(master, 'csrf');
    expect(session).toHaveLength(32);
    expect(session.equals(csrf)).toBe(false);
    expect(session.equals(master)).toBe(false);
    expect(deriveKey(master, 'session').equals(session)).toBe(true);
  });
  it('matches RFC 5869 HKDF-SHA256 for the same inputs', async () => {
    const { hkdfSync } = await import('node:crypto');
    const master = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const expected = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'bulwark:backup:v1', 32));
    expect(deriveKey(master, 'backup').equals(expected)).toBe(true);
  });
});

describe('randomToken', () => {
  it('carries the requested entropy and does not repeat', () => {
    const a = randomToken(32);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(randomToken(32)).not.toBe(a);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth so equal values encode to equal bytes', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.5.4.3', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['192.168.1.2', false],
    ['::ffff:10.0.0.1', false],
    ['example.com', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('createCidrMatcher', () => {
  it('matches addresses and ranges of both families, IPv4-mapped included, and nothing else', async () => {
    const { createCidrMatcher, isValidCidr } = await import('./net/cidr.js');
    const matches = createCidrMatcher(['10.0.0.0/8', '203.0.113.7', '2001:db8::/32']);
    expect(['10.1.2.3', '::ffff:10.9.9.9', '203.0.113.7', '2001:db8::1'].map(matches)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['11.0.0.1', '203.0.113.8', '2001:db9::1', 'not-an-ip', ''].map(matches)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(createCidrMatcher([])('10.0.0.1')).toBe(false);
    expect(['10.0.0.0/8', '::1', '1.2.3.4'].every(isValidCidr)).toBe(true);
    expect(['10.0.0.0/33', 'example.com', '1.2.3'].some(isValidCidr)).toBe(false);
  });
});
