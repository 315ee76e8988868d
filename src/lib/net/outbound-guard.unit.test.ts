import { describe, expect, it } from 'vitest';
import { createOutboundClient } from './outbound-guard.js';
import { isValidDnsServer } from './outbound-resolve.js';
import { OutboundError, type OutboundPolicy } from './outbound-types.js';

/** The configuration defaults (config/schema.ts `outbound`). */
const DEFAULTS: OutboundPolicy = {
  allowHttp: false,
  allowedCidrs: [],
  maxRedirects: 3,
  connectTimeoutMs: 5000,
  totalTimeoutMs: 10_000,
  maxResponseBytes: 1024 * 1024,
  dnsServers: [],
};

const clientWith = (overrides: Partial<OutboundPolicy> = {}) => createOutboundClient({ ...DEFAULTS, ...overrides });

describe('checkUrl: addresses, in every spelling the URL parser accepts', () => {
  const client = clientWith();

  it.each([
    // [URL host, the address it reaches, the range refused]
    ['127.0.0.1', '127.0.0.1', 'loopback'],
    ['127.255.255.254', '127.255.255.254', 'loopback'],
    ['0x7f000001', '127.0.0.1', 'loopback'],
    ['2130706433', '127.0.0.1', 'loopback'],
    ['0177.0.0.1', '127.0.0.1', 'loopback'],
    ['127.1', '127.0.0.1', 'loopback'],
    ['0x7f.1', '127.0.0.1', 'loopback'],
    ['017700000001', '127.0.0.1', 'loopback'],
    ['[::1]', '::1', 'loopback'],
    ['[0:0:0:0:0:0:0:1]', '::1', 'loopback'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1', 'loopback'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1', 'loopback'],
    ['[0:0:0:0:0:ffff:127.0.0.1]', '::ffff:7f00:1', 'loopback'],
    ['[64:ff9b::127.0.0.1]', '64:ff9b::7f00:1', 'loopback'],
    ['[::127.0.0.1]', '::7f00:1', 'ipv4Compatible'],
    ['0.0.0.0', '0.0.0.0', 'unspecified'],
    ['0', '0.0.0.0', 'unspecified'],
    ['[::]', '::', 'unspecified'],
    ['10.0.0.1', '10.0.0.1', 'private'],
    ['172.16.0.1', '172.16.0.1', 'private'],
    ['172.31.255.255', '172.31.255.255', 'private'],
    ['192.168.0.1', '192.168.0.1', 'private'],
    ['[::ffff:10.0.0.1]', '::ffff:a00:1', 'private'],
    ['[fc00::1]', 'fc00::1', 'uniqueLocal'],
    ['[fd12:3456::1]', 'fd12:3456::1', 'uniqueLocal'],
    ['169.254.0.1', '169.254.0.1', 'linkLocal'],
    ['[fe80::1]', 'fe80::1', 'linkLocal'],
    ['100.64.0.1', '100.64.0.1', 'carrierGradeNat'],
    ['169.254.169.254', '169.254.169.254', 'metadata'],
    ['0xa9fea9fe', '169.254.169.254', 'metadata'],
    ['[::ffff:169.254.169.254]', '::ffff:a9fe:a9fe', 'metadata'],
    ['100.100.100.200', '100.100.100.200', 'metadata'],
    ['[fd00:ec2::254]', 'fd00:ec2::254', 'metadata'],
    ['224.0.0.1', '224.0.0.1', 'multicast'],
    ['239.255.255.250', '239.255.255.250', 'multicast'],
    ['[ff02::1]', 'ff02::1', 'multicast'],
    ['255.255.255.255', '255.255.255.255', 'broadcast'],
    ['192.0.2.1', '192.0.2.1', 'reserved'],
    ['198.51.100.1', '198.51.100.1', 'reserved'],
    ['203.0.113.1', '203.0.113.1', 'reserved'],
    ['240.0.0.1', '240.0.0.1', 'reserved'],
    ['198.18.0.1', '198.18.0.1', 'reserved'], // benchmarking, RFC 2544
    ['[2001:2::1]', '2001:2::1', 'benchmarking'],
    ['[2001:db8::1]', '2001:db8::1', 'reserved'],
    ['[2002:7f00:1::1]', '2002:7f00:1::1', '6to4'],
    ['[2001::1]', '2001::1', 'teredo'],
    ['[fec0::1]', 'fec0::1', 'deprecatedSiteLocal'],
    ['[100::1]', '100::1', 'discard'],
    ['[4000::1]', '4000::1', 'nonGlobal'],
  ])('refuses https://%s/ (reaches %s, %s)', (host, address, range) => {
    const refusal = client.checkUrl(`https://${host}/hook`);
    expect(refusal).toBeInstanceOf(OutboundError);
    expect(refusal?.reason).toBe('address');
    expect(refusal?.address).toBe(address);
    expect(refusal?.message).toContain(`(${range})`);
  });

  it.each([
    'https://8.8.8.8/',
    'https://1.1.1.1:8443/hook',
    'https://93.184.215.14/hook?x=1',
    'https://[2606:4700:4700::1111]/',
    'https://[::ffff:8.8.8.8]/',
    'https://[64:ff9b::808:808]/', // NAT64 of a public address
    'https://hooks.example.com/in', // names are judged after DNS, at request time
  ])('allows %s', (url) => {
    expect(client.checkUrl(url)).toBeNull();
  });
});

describe('checkUrl: names reserved for loopback (RFC 6761)', () => {
  it.each(['https://localhost/', 'https://LOCALHOST:8443/', 'https://localhost./', 'https://api.localhost/'])(
    'refuses %s without asking DNS',
    (url) => {
      expect(clientWith().checkUrl(url)?.reason).toBe('address');
    },
  );

  it('allows localhost only when both loopback addresses are allow-listed (DNS may answer either)', () => {
    expect(clientWith({ allowedCidrs: ['127.0.0.1/32'] }).checkUrl('https://localhost/')?.address).toBe('::1');
    expect(clientWith({ allowedCidrs: ['127.0.0.1/32', '::1/128'] }).checkUrl('https://localhost/')).toBeNull();
  });
});

describe('checkUrl: scheme and credentials', () => {
  it.each([
    ['http://hooks.example.com/', 'only https:'],
    ['ftp://hooks.example.com/', 'only https:'],
    ['file:///etc/passwd', 'only https:'],
    ['gopher://127.0.0.1:6379/_INFO', 'only https:'],
    ['javascript:alert(1)', 'only https:'],
    ['data:text/plain,hi', 'only https:'],
    ['https://user:secret@hooks.example.com/', 'user name or password'],
    ['https://user@hooks.example.com/', 'user name or password'],
    ['not a url', 'not a valid absolute URL'],
    ['/relative/path', 'not a valid absolute URL'],
  ])('refuses %s', (url, message) => {
    const refusal = clientWith().checkUrl(url);
    expect(refusal?.reason).toBe('scheme');
    expect(refusal?.message).toContain(message);
  });

  it('allows plain http only when allowHttp is set, and still judges its address', () => {
    const client = clientWith({ allowHttp: true });
    expect(client.checkUrl('http://hooks.example.com/')).toBeNull();
    expect(client.checkUrl('http://127.0.0.1/')?.reason).toBe('address');
    expect(client.checkUrl('ftp://hooks.example.com/')?.reason).toBe('scheme');
  });

  it('names the refused URL without credentials, query or fragment (they may carry secrets)', () => {
    const refusal = clientWith().checkUrl('https://user:pw@hooks.example.com/p?token=secret#frag');
    expect(refusal?.url).toBe('https://hooks.example.com/p');
    expect(clientWith().checkUrl('https://127.0.0.1:8443/p?token=secret')?.url).toBe('https://127.0.0.1:8443/p');
  });
});

describe('checkUrl: allow-list', () => {
  const client = clientWith({ allowedCidrs: ['127.0.0.1/32', '10.1.0.0/16', '::1/128'] });

  it.each([
    'https://127.0.0.1/',
    'https://0x7f000001/',
    'https://[::ffff:127.0.0.1]/',
    'https://10.1.2.3/',
    'https://[::1]:8443/',
  ])('allows %s inside an allow-listed range', (url) => {
    expect(client.checkUrl(url)).toBeNull();
  });

  it.each(['https://127.0.0.2/', 'https://10.2.0.1/', 'https://169.254.169.254/', 'https://[::2]/'])(
    'still refuses %s outside it',
    (url) => {
      expect(client.checkUrl(url)?.reason).toBe('address');
    },
  );
});

describe('policy errors fail when the client is built', () => {
  it.each([
    [{ allowedCidrs: ['10.0.0.0/33'] }, 'outbound.allowedCidrs: "10.0.0.0/33"'],
    [{ allowedCidrs: ['127.1'] }, 'outbound.allowedCidrs: "127.1"'],
    [{ allowedCidrs: ['localhost'] }, 'outbound.allowedCidrs: "localhost"'],
    [{ dnsServers: ['dns.google'] }, 'outbound.dnsServers: "dns.google"'],
    [{ dnsServers: ['1.1.1.1:99999'] }, 'outbound.dnsServers: "1.1.1.1:99999"'],
    [{ maxResponseBytes: 0 }, 'outbound.maxResponseBytes'],
    [{ totalTimeoutMs: -1 }, 'outbound.totalTimeoutMs'],
    [{ maxRedirects: 1.5 }, 'outbound.maxRedirects'],
  ])('%o is refused', (overrides, message) => {
    expect(() => clientWith(overrides)).toThrow(message);
  });

  it.each([
    ['1.1.1.1', true],
    ['1.1.1.1:53', true],
    ['2606:4700::1111', true],
    ['[2606:4700::1111]:5353', true],
    ['[2606:4700::1111]', true],
    ['1.1.1.1:0', false],
    ['[1.1.1.1]:53', false],
    ['dns.google', false],
    ['1.1.1.1:53:53', false],
  ])('dns server %s valid: %s', (entry, valid) => {
    expect(isValidDnsServer(entry)).toBe(valid);
  });
});
