import { describe, expect, it } from 'vitest';
import type { AuditLogTable } from '../../../db/index.js';
import { parseCopyLine } from './shipped-copy.js';
import { escapeParamValue, formatSyslogMessage, frameOctetCounted, severityOf } from './syslog-message.js';

const header = { facility: 10, appName: 'bulwark', hostname: 'api-1', procId: '4242' };
const hash = 'a'.repeat(64);

function row(overrides: Partial<AuditLogTable> = {}): AuditLogTable {
  return {
    seq: 7,
    at_ms: Date.UTC(2026, 11, 5, 12, 0, 0, 123),
    type: 'auth.login.failure',
    actor: 'user-1',
    ip: '203.0.113.9',
    request_id: 'req-1',
    details: '{"reason":"password"}',
    prev_hash: '0'.repeat(64),
    hash,
    chain_version: 2,
    ...overrides,
  };
}

describe('RFC 5424 messages of audit entries', () => {
  it('carry PRI from facility and severity, the entry time, MSGID the type, and seq/hash/actor/ip as SD', () => {
    expect(formatSyslogMessage(row(), header)).toBe(
      '<84>1 2026-12-05T12:00:00.123Z api-1 bulwark 4242 auth.login.failure ' +
        `[bulwark@32473 seq="7" hash="${hash}" actor="user-1" ip="203.0.113.9"] ` +
        `{"seq":7,"atMs":${Date.UTC(2026, 11, 5, 12, 0, 0, 123)},"type":"auth.login.failure","actor":"user-1","ip":"203.0.113.9","requestId":"req-1","details":{"reason":"password"},"prevHash":"${'0'.repeat(64)}","hash":"${hash}","chainVersion":2}`,
    );
  });

  it('escape ", \\ and ] in SD values (RFC 5424 §6.3.3) and leave out absent actor and ip', () => {
    expect(escapeParamValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    const message = formatSyslogMessage(row({ actor: null, ip: null, type: 'server.start' }), header);
    expect(message).toContain(`[bulwark@32473 seq="7" hash="${hash}"] {`);
    expect(message.startsWith('<85>1 ')).toBe(true);
  });

  it('are printable ASCII whatever the entry holds, so no newline or encoding can split or change a line', () => {
    const message = formatSyslogMessage(row({ actor: 'ü\n]"', details: '{"x":"line\\nbreak ✓ \\u007f"}' }), header);
    expect(message).not.toMatch(/[^ -~]/);
    const parsed = parseCopyLine(message, 1);
    expect(parsed).toMatchObject({ kind: 'entry', copied: { entry: { actor: 'ü\n]"' } } });
  });

  it('are framed by their length in bytes, not characters (RFC 5425 §4.3)', () => {
    expect(frameOctetCounted('<84>1 é')).toBe('8 <84>1 é');
  });

  it('rank events: errors, refusals as warnings, administration as notices, the rest as info', () => {
    expect(severityOf('auth.refresh.reuse')).toBe(3);
    expect(severityOf('access.denied')).toBe(4);
    expect(severityOf('abuse.ban')).toBe(4);
    expect(severityOf('admin.user.delete')).toBe(5);
    expect(severityOf('keys.rotation.completed')).toBe(5);
    expect(severityOf('auth.login.success')).toBe(6);
  });
});

describe('reading a shipped copy back', () => {
  it('reads the RFC 5424 line and the JSON line alike, with details as stored', () => {
    const message = formatSyslogMessage(row(), header);
    const fromSyslog = parseCopyLine(message, 3);
    const fromJson = parseCopyLine(message.slice(message.indexOf('] {') + 2), 3);
    expect(fromSyslog).toEqual(fromJson);
    expect(fromSyslog).toMatchObject({
      kind: 'entry',
      copied: { entry: { seq: 7, details: '{"reason":"password"}' } },
    });
  });

  it('calls a line unreadable when its SD and MSG disagree, or when it is not ours', () => {
    const message = formatSyslogMessage(row(), header);
    expect(parseCopyLine(message.replace('seq="7"', 'seq="8"'), 1)).toMatchObject({ kind: 'unreadable' });
    expect(parseCopyLine('<13>1 - host other 1 - - hello', 2)).toMatchObject({ kind: 'unreadable' });
    expect(parseCopyLine('   ', 3)).toBeNull();
  });
});
