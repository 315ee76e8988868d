import { describe, expect, it } from 'vitest';
import { MailError } from './errors.js';
import {
  buildTokenLink,
  escapeHtml,
  invitationEmail,
  passwordResetEmail,
  registrationAttemptEmail,
  verificationEmail,
} from './templates.js';

const BASE = 'https://app.example.test';
const LINK = `${BASE}/_/reset#tok_EN-123`;
const HOSTILE_APP = '<script>alert("x")</script> & Co\'s';

function configErrorOf(run: () => unknown): MailError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MailError);
  expect((thrown as MailError).code).toBe('MAIL_CONFIG_INVALID');
  return thrown as MailError;
}

describe('buildTokenLink', () => {
  it('puts the token in the fragment, never the query string', () => {
    const link = buildTokenLink(BASE, '/_/reset', 'tok_EN-123');
    expect(link).toBe('https://app.example.test/_/reset#tok_EN-123');
    expect(link).not.toContain('?');
    const parsed = new URL(link);
    expect(parsed.search).toBe('');
    expect(parsed.hash).toBe('#tok_EN-123');
  });

  it('URL-encodes the token so it cannot add a query, path or second fragment', () => {
    const token = 'a b/c?d=1&e#f%g+h';
    const link = buildTokenLink(BASE, '/_/verify', token);
    expect(link).toBe(`https://app.example.test/_/verify#${encodeURIComponent(token)}`);
    expect(link).toContain('#a%20b%2Fc%3Fd%3D1%26e%23f%25g%2Bh');
    const parsed = new URL(link);
    expect(parsed.search).toBe('');
    expect(parsed.pathname).toBe('/_/verify');
    expect(decodeURIComponent(parsed.hash.slice(1))).toBe(token);
  });

  it('keeps a base path and drops its trailing slash', () => {
    expect(buildTokenLink('https://app.example.test/base/', '/_/reset', 't')).toBe(
      'https://app.example.test/base/_/reset#t',
    );
    expect(buildTokenLink('http://127.0.0.1:8090', '/_/reset', 't')).toBe('http://127.0.0.1:8090/_/reset#t');
  });

  it.each([
    ['javascript:', 'javascript:alert(1)//'],
    ['ftp:', 'ftp://files.example.test'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['not a URL', 'app.example.test'],
    ['credentials', 'https://user:pass@app.example.test'],
    ['a query', 'https://app.example.test/?next=x'],
    ['a fragment', 'https://app.example.test/#x'],
  ])('refuses a base with %s', (_name, base) => {
    configErrorOf(() => buildTokenLink(base, '/_/reset', 'token'));
  });

  it.each([
    ['a protocol-relative path', '//evil.test/_/reset'],
    ['a relative path', '_/reset'],
    ['a query in the path', '/_/reset?token='],
    ['a fragment in the path', '/_/reset#'],
    ['a backslash', '/\\evil.test'],
  ])('refuses %s', (_name, path) => {
    configErrorOf(() => buildTokenLink(BASE, path, 'token'));
  });

  it('refuses an empty token', () => {
    configErrorOf(() => buildTokenLink(BASE, '/_/reset', ''));
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that can open markup or leave an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

const templates = [
  ['verificationEmail', () => verificationEmail({ link: LINK, appName: HOSTILE_APP, expiresInMinutes: 30 })],
  ['passwordResetEmail', () => passwordResetEmail({ link: LINK, appName: HOSTILE_APP, expiresInMinutes: 30 })],
  ['registrationAttemptEmail', () => registrationAttemptEmail({ appName: HOSTILE_APP, resetLink: LINK })],
  ['invitationEmail', () => invitationEmail({ link: LINK, appName: HOSTILE_APP, expiresInMinutes: 4320 })],
] as const;

describe('mail templates', () => {
  it.each(templates)('%s escapes the app name in HTML and keeps it readable in text', (_name, build) => {
    const mail = build();
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('"x"');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#39;s');
    expect(mail.text).toContain(HOSTILE_APP);
    expect(mail.subject).toContain(HOSTILE_APP);
  });

  it.each(templates)('%s carries the link in text and html', (_name, build) => {
    const mail = build();
    expect(mail.text).toContain(LINK);
    expect(mail.html).toContain(`href="${LINK}"`);
  });

  it('escapes a quote in a link so it cannot leave the href attribute', () => {
    const mail = passwordResetEmail({
      link: `${BASE}/_/reset#a"onmouseover="x`,
      appName: 'Acme',
      expiresInMinutes: 30,
    });
    expect(mail.html).not.toContain('"onmouseover="');
    expect(mail.html).toContain('href="https://app.example.test/_/reset#a&quot;onmouseover=&quot;x"');
  });

  it.each([
    ['verificationEmail', (link: string) => verificationEmail({ link, appName: 'Acme', expiresInMinutes: 30 })],
    ['passwordResetEmail', (link: string) => passwordResetEmail({ link, appName: 'Acme', expiresInMinutes: 30 })],
    ['registrationAttemptEmail', (link: string) => registrationAttemptEmail({ appName: 'Acme', resetLink: link })],
  ])('%s refuses a javascript: link', (_name, build) => {
    configErrorOf(() => build('javascript:alert(document.cookie)'));
  });

  it('keeps a line break in the app name out of the subject', () => {
    const mail = verificationEmail({ link: LINK, appName: 'Acme\r\nBcc: eve@evil.test', expiresInMinutes: 30 });
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('states how long the link lives', () => {
    expect(verificationEmail({ link: LINK, appName: 'Acme', expiresInMinutes: 30 }).text).toContain('30 minutes');
    expect(passwordResetEmail({ link: LINK, appName: 'Acme', expiresInMinutes: 60 }).text).toContain('1 hour');
    expect(passwordResetEmail({ link: LINK, appName: 'Acme', expiresInMinutes: 1 }).text).toContain('1 minute and');
    expect(() => passwordResetEmail({ link: LINK, appName: 'Acme', expiresInMinutes: 0 })).toThrow(RangeError);
  });

  it('tells verification, reset, registration-attempt and invitation mails apart by subject', () => {
    const subjects = templates.map(([, build]) => build().subject);
    expect(new Set(subjects).size).toBe(templates.length);
    expect(registrationAttemptEmail({ appName: 'Acme', resetLink: LINK }).text).toContain('already has one');
  });
});
