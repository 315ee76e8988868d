import { describe, expect, it } from 'vitest';
import { MailError } from './errors.js';
import { findMailTransportRisks } from './transport-findings.js';

describe('findMailTransportRisks', () => {
  it.each([
    ['smtp:// to a remote host without requireTls', { url: 'smtp://mail.example.com:587' }, ['mail-tls-not-required']],
    ['smtp:// to a remote host with requireTls', { url: 'smtp://mail.example.com:587', requireTls: true }, []],
    ['smtps:// to a remote host', { url: 'smtps://u:p@mail.example.com' }, []],
    [
      'smtps:// with certificate checks off',
      { url: 'smtps://mail.example.com', tlsRejectUnauthorized: false },
      ['mail-tls-unverified'],
    ],
    [
      'smtp:// to a remote IP with checks off',
      { url: 'smtp://10.0.0.5:25', tlsRejectUnauthorized: false },
      ['mail-tls-not-required', 'mail-tls-unverified'],
    ],
    ['smtp:// to 127.0.0.1 (a local relay)', { url: 'smtp://127.0.0.1:25', tlsRejectUnauthorized: false }, []],
    ['smtp:// to [::1]', { url: 'smtp://[::1]:25' }, []],
    ['smtp:// to localhost', { url: 'smtp://localhost:1025' }, []],
  ])('%s', (_name, options, expected) => {
    expect(findMailTransportRisks(options).map((finding) => finding.id)).toEqual(expected);
  });

  it('names a fix with every finding and never the credentials', () => {
    const findings = findMailTransportRisks({ url: 'smtp://user:Hunter2-secret@mail.example.com' });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.fix).toMatch(/smtps|requireTls/);
    expect(JSON.stringify(findings)).not.toContain('Hunter2-secret');
  });

  it('throws MAIL_CONFIG_INVALID for an unusable URL', () => {
    expect(() => findMailTransportRisks({ url: 'https://mail.example.com' })).toThrow(MailError);
  });
});
