import { describe, expect, it } from 'vitest';
import { describeClientAddress } from './client-address.js';

describe('describeClientAddress', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['::ffff:102:304', '1.2.3.4'],
    ['[::ffff:1.2.3.4]', '1.2.3.4'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0::1', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['FE80::1%25lo', 'fe80::1'],
    [' 2001:db8::1 ', '2001:db8::1'],
  ])('spells %s as %s', (text, address) => {
    expect(describeClientAddress(text, 128)).toEqual({ address, key: address });
  });

  it('keys IPv6 by the network of the configured prefix, IPv4 by the address', () => {
    expect(describeClientAddress('2001:db8:1:2:3:4:5:6', 64)).toEqual({
      address: '2001:db8:1:2:3:4:5:6',
      key: '2001:db8:1:2::/64',
    });
    expect(describeClientAddress('2001:db8:1:2ff::1', 56).key).toBe('2001:db8:1:200::/56');
    expect(describeClientAddress('2001:db8:1:2ff::1', 60).key).toBe('2001:db8:1:2f0::/60');
    expect(describeClientAddress('::ffff:1.2.3.4', 64).key).toBe('1.2.3.4');
    expect(describeClientAddress('2001:db8:1:2::1', 64).key).toBe(describeClientAddress('2001:db8:1:2:ff::9', 64).key);
    expect(describeClientAddress('2001:db8:1:2::1', 64).key).not.toBe(describeClientAddress('2001:db8:1:3::1', 64).key);
  });

  it('keeps text that is no address, lower-cased, rather than guessing', () => {
    expect(describeClientAddress('Unknown', 64)).toEqual({ address: 'unknown', key: 'unknown' });
    expect(describeClientAddress('', 64)).toEqual({ address: '', key: '' });
  });
});
