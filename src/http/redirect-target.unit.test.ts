import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { resolveRedirect } from './redirect-target.js';

/** What the OIDC routes pass: `${protocol}://${host}` with light-my-request's default Host. */
const OWN = 'http://localhost:80';
const PREFIXED = ['https://allowed.example/app/'];
const ROOT = ['https://allowed.example'];

/** Payloads that must be refused, with the allow-list in force. */
const REFUSED: Array<[string, readonly string[]]> = [
  // Protocol-relative and scheme-switching tricks a browser resolves off-site.
  ['//evil.example', PREFIXED],
  ['///evil.example', PREFIXED],
  ['////evil.example', PREFIXED],
  ['https:evil.example', PREFIXED],
  ['http:evil.example', PREFIXED],
  ['http:/evil.example', PREFIXED],
  ['https:/evil.example', PREFIXED],
  ['/\\evil.example', PREFIXED],
  ['\\/evil.example', PREFIXED],
  ['\\\\evil.example', PREFIXED],
  ['/\\/evil.example', PREFIXED],
  // Absolute targets off the allow-list, and userinfo / suffix confusions.
  ['https://evil.example', PREFIXED],
  ['https://evil.example/app/x', PREFIXED],
  ['https://evil.example@localhost', PREFIXED],
  ['http://evil.example@localhost/welcome', PREFIXED],
  ['https://allowed.example@evil.example/app/x', PREFIXED],
  ['https://allowed.example:443@evil.example/app/', PREFIXED],
  ['https://localhost.evil.example', PREFIXED],
  ['http://localhost.evil.example/welcome', PREFIXED],
  ['https://allowed.example.evil.example', ROOT],
  ['https://allowed.example.evil.example/', ROOT],
  ['https://allowed.example.evil.example/app/x', PREFIXED],
  ['http://allowed.example/app/x', PREFIXED], // scheme is part of the origin
  ['https://allowed.example:8443/app/x', PREFIXED], // and so is the port
  // Non-HTTP schemes.
  ['javascript:alert(1)', PREFIXED],
  ['javascript://allowed.example/app/%0aalert(1)', PREFIXED],
  ['data:text/html,x', PREFIXED],
  ['vbscript:msgbox(1)', PREFIXED],
  ['file:///etc/passwd', PREFIXED],
  // What the server sees for a double-encoded `%2F%2Fevil.example`: not a path, not absolute.
  ['%2F%2Fevil.example', PREFIXED],
  ['%2f%2fevil.example', PREFIXED],
  // Tabs, newlines and other controls that browsers strip inside URLs.
  ['/\t/evil.example', PREFIXED],
  ['/\n/evil.example', PREFIXED],
  ['/\r\n/evil.example', PREFIXED],
  ['\t//evil.example', PREFIXED],
  ['/\u0000/evil.example', PREFIXED],
  [' //evil.example', PREFIXED],
  ['/welcome ', PREFIXED],
  ['https://allowed.example/app/\tx', PREFIXED],
  // Outside the allow-listed path prefix, directly or by traversal.
  ['https://allowed.example/other', PREFIXED],
  ['https://allowed.example/', PREFIXED],
  ['https://allowed.example', PREFIXED],
  ['https://allowed.example/apps', PREFIXED],
  ['https://allowed.example/app/../other', PREFIXED],
  ['https://allowed.example/app/%2e%2e/other', PREFIXED],
  ['https://allowed.example/app/./../other', PREFIXED],
  // Upper-case schemes.
  ['HTTPS://evil.example', PREFIXED],
  ['HTTPS:evil.example', PREFIXED],
  ['HtTp:/evil.example', PREFIXED],
  ['JAVASCRIPT:alert(1)', PREFIXED],
  ['JavaScript:alert(1)', PREFIXED],
  ['DATA:text/html,x', PREFIXED],
  ['HTTPS://ALLOWED.EXAMPLE.EVIL.EXAMPLE', ROOT],
  ['HTTPS://ALLOWED.EXAMPLE/OTHER', PREFIXED],
  // The own origin is reached by a path; an absolute URL to it is not on the list.
  ['http://localhost/welcome', PREFIXED],
  // Empty and overlong.
  ['', PREFIXED],
  [`/${'a'.repeat(2048)}`, PREFIXED],
];

const ACCEPTED: Array<[string, readonly string[], string]> = [
  ['/welcome', PREFIXED, 'http://localhost/welcome'],
  ['/a/b?c=d', PREFIXED, 'http://localhost/a/b?c=d'],
  ['/', PREFIXED, 'http://localhost/'],
  ['/welcome#top', PREFIXED, 'http://localhost/welcome#top'],
  // Traversal in a path stays on this server.
  ['/a/../../b', PREFIXED, 'http://localhost/b'],
  // Escaped controls are just characters of a path here once made absolute.
  ['/%09/evil.example', PREFIXED, 'http://localhost/%09/evil.example'],
  ['/%2F%2Fevil.example', PREFIXED, 'http://localhost/%2F%2Fevil.example'],
  ['https://allowed.example/app/x', PREFIXED, 'https://allowed.example/app/x'],
  ['https://allowed.example/app/', PREFIXED, 'https://allowed.example/app/'],
  ['https://allowed.example/app/x?y=z#w', PREFIXED, 'https://allowed.example/app/x?y=z#w'],
  ['https://allowed.example:443/app/x', PREFIXED, 'https://allowed.example/app/x'],
  ['HTTPS://ALLOWED.EXAMPLE/app/x', PREFIXED, 'https://allowed.example/app/x'],
  ['https://allowed.example/anything', ROOT, 'https://allowed.example/anything'],
  ['https://allowed.example', ROOT, 'https://allowed.example/'],
];

function refusal(target: string, allowed: readonly string[], own = OWN): unknown {
  try {
    resolveRedirect(target, own, allowed);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('resolveRedirect', () => {
  it.each(REFUSED)('refuses %j (allowed: %j)', (target, allowed) => {
    const error = refusal(target, allowed);
    expect(error, `accepted as ${error === undefined ? resolveRedirect(target, OWN, allowed) : ''}`).toBeInstanceOf(
      AppError,
    );
    expect(error).toMatchObject({ code: 'HTTP_REDIRECT_NOT_ALLOWED', status: 400 });
  });

  it.each(ACCEPTED)('accepts %j (allowed: %j) as %s', (target, allowed, expected) => {
    expect(resolveRedirect(target, OWN, allowed)).toBe(expected);
  });

  it('with an empty allow-list, accepts only paths on this server', () => {
    expect(resolveRedirect('/x', OWN, [])).toBe('http://localhost/x');
    expect(refusal('https://allowed.example/app/x', [])).toBeInstanceOf(AppError);
  });

  it('honours a public origin with a non-default port and HTTPS', () => {
    expect(resolveRedirect('/x', 'https://bulwark.example:8443', [])).toBe('https://bulwark.example:8443/x');
    expect(refusal('//bulwark.example:8443/x', [], 'https://bulwark.example:8443')).toBeInstanceOf(AppError);
  });
});

/** Pieces attackers combine; random concatenations of them reach the parser's corners. */
const PIECES = [
  '/',
  '//',
  '\\',
  '/\\',
  'http:',
  'https:',
  'HTTPS:',
  'javascript:',
  'data:',
  '//',
  'evil.example',
  'allowed.example',
  'localhost',
  '@',
  ':',
  ':443',
  ':80',
  '.',
  '..',
  '%2F',
  '%2f',
  '%5C',
  '%09',
  '%00',
  '%2e%2e',
  '\t',
  '\n',
  ' ',
  '?',
  '#',
  'app',
  'app/',
  'x',
  '\u3002', // ideographic full stop, a dot to IDNA
  '\uff0f', // fullwidth solidus
  'ⓔvil.example',
];

const OWN_ORIGIN = new URL(OWN).origin;

/** The property: a throw of the right kind, or a URL here or under an allow-listed prefix. */
function checkProperty(target: string, allowed: readonly string[]): void {
  let result: string;
  try {
    result = resolveRedirect(target, OWN, allowed);
  } catch (error) {
    expect(error).toMatchObject({ code: 'HTTP_REDIRECT_NOT_ALLOWED' });
    return;
  }
  const url = new URL(result);
  expect(url.href).toBe(result);
  expect(url.username + url.password).toBe('');
  if (url.origin === OWN_ORIGIN) return;
  const entry = allowed.map((a) => new URL(a)).find((a) => a.origin === url.origin);
  expect(entry, `${JSON.stringify(target)} -> ${result}`).toBeDefined();
  const prefix = (entry as URL).pathname;
  expect(
    prefix === '/' || url.pathname === prefix || url.pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`),
    `${JSON.stringify(target)} -> ${result}`,
  ).toBe(true);
}

describe('resolveRedirect property', () => {
  it('for any string: a refusal, or the own origin, or an allow-listed origin and prefix', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom(PREFIXED, ROOT, []), (s, allowed) =>
        checkProperty(s, allowed),
      ),
      { numRuns: 2000 },
    );
  });

  it('for concatenations of URL pieces attackers use', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')),
        fc.constantFrom(PREFIXED, ROOT, []),
        (s, allowed) => checkProperty(s, allowed),
      ),
      { numRuns: 5000 },
    );
  });
});
