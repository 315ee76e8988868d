import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { login } from '../helpers/auth-client.js';
import {
  type Account,
  errorFields,
  expectProblem,
  newAdmin,
  newApiKey,
  newUser,
  PASSWORD,
} from '../helpers/collections-client.js';
import { foreignAuditType } from '../helpers/foreign-audit-type.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Audit log search for administrators (issue 16 item 4; ASVS V16.4.x): closed to guests and
 * users, filters by time, event type or family, actor and any spelling of an address, pages
 * newest first, refuses malformed values naming the field, binds every value (injection text
 * is inert), and shows no secret of the scripted flow that produced the entries.
 */

const WRONG_PASSWORD = 'Wrong-Secret-Password-9137';
const V6_CLIENT = '2001:db8::7';

interface AuditItem {
  id: string;
  seq: number;
  at: string;
  type: string;
  actor: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

let admin: Account & { totpSecret: string };
let user: Account;
let adminKey: Record<string, string>;

const app = useTestApp({ logLevel: 'silent' });
beforeAll(async () => {
  admin = await newAdmin(app);
  user = await newUser(app, 'victim');
  adminKey = await newApiKey(app, admin, ['admin']);
  // The scripted flow: failed sign-ins from two IPv4 clients and one IPv6 one, then a success.
  for (const remoteAddress of ['203.0.113.5', '203.0.113.5', V6_CLIENT]) {
    expect((await login(app, user.email, WRONG_PASSWORD, { remoteAddress })).statusCode).toBe(401);
  }
  expect((await login(app, user.email, PASSWORD, { remoteAddress: '198.51.100.9' })).statusCode).toBe(200);
  // A type that shares the letters of a family but not the family.
  await app.audit.record({ type: foreignAuditType('authority.granted'), actor: 'system' });
});

/** `null` headers: a guest. */
const search = (query: string, headers: Record<string, string> | null = admin.headers) =>
  app.http.inject({ url: `/api/admin/audit${query}`, ...(headers ? { headers } : {}) });

async function items(query: string): Promise<AuditItem[]> {
  const response = await search(query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items;
}

const typesOf = (list: AuditItem[]) => [...new Set(list.map((item) => item.type))].sort();

describe('who may search', () => {
  it('guests get 401, users 403 with a token or an API key; an admin-scoped API key reads', async () => {
    expectProblem(await search('', null), 401, 'AUTH_REQUIRED');
    expectProblem(await search('', user.headers), 403);
    expectProblem(await search('', await newApiKey(app, user, ['profile:read'])), 403);
    expect((await search('', adminKey)).statusCode).toBe(200);
    // The user's attempt is itself evidence.
    const denied = await items(`?event=access.denied&actor=${user.id}`);
    expect(denied.map((item) => item.details.route)).toContain('/api/admin/audit');
  });
});

describe('filters', () => {
  it('an exact event type gives only that type, and an address matches whatever its spelling', async () => {
    const failures = await items('?event=auth.login.failure');
    expect(failures).toHaveLength(3);
    expect(typesOf(failures)).toEqual(['auth.login.failure']);
    const v6 = await items(`?event=auth.login.failure&ip=${encodeURIComponent('2001:DB8:0:0::0007')}`);
    expect(v6.map((item) => item.ip)).toEqual([V6_CLIENT]);
    expect(await items('?event=auth.login.failure&ip=203.0.113.5')).toHaveLength(2);
  });

  it('a family `auth.*` gives every auth type and nothing that merely starts with the letters', async () => {
    const family = await items('?event=auth.*&perPage=500');
    expect(typesOf(family)).toEqual(
      expect.arrayContaining(['auth.login.failure', 'auth.login.success', 'auth.register']),
    );
    expect(family.every((item) => item.type.startsWith('auth.'))).toBe(true);
    expect(typesOf(await items('?event=authority.*'))).toEqual(['authority.granted']);
  });

  it('an actor gives only that actor’s entries', async () => {
    const own = await items(`?actor=${user.id}&perPage=500`);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((item) => item.actor === user.id)).toBe(true);
    expect(typesOf(own)).toContain('auth.login.success');
  });

  it('from and to bound the instants, both inclusive', async () => {
    const [success] = await items('?event=auth.login.success');
    if (!success) throw new Error('no sign-in success recorded');
    const window = await items(`?from=${success.at}&to=${success.at}&perPage=500`);
    expect(window.map((item) => item.seq)).toContain(success.seq);
    expect(window.every((item) => item.at === success.at)).toBe(true);
    const later = new Date(Date.parse(success.at) + 3_600_000).toISOString();
    expect(await items(`?from=${later}`)).toEqual([]);
    // The same instant in another zone's spelling.
    expect(
      (await items(`?to=${encodeURIComponent(success.at.replace('Z', '+00:00'))}&perPage=500`)).map((i) => i.seq),
    ).toContain(success.seq);
  });
});

describe('paging', () => {
  it('pages newest first with totals; skipTotal leaves the count out', async () => {
    const first = (await search('?event=auth.login.failure&perPage=2')).json();
    expect(first).toMatchObject({ page: 1, perPage: 2, totalItems: 3, totalPages: 2 });
    const second = (await search('?event=auth.login.failure&perPage=2&page=2')).json();
    const seqs = [...first.items, ...second.items].map((item: AuditItem) => item.seq);
    expect(seqs).toHaveLength(3);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const skipped = (await search('?event=auth.login.failure&perPage=2&skipTotal=true')).json();
    expect(skipped).toMatchObject({ totalItems: -1, totalPages: -1 });
    expect(skipped.items).toHaveLength(2);
    expect((await search('')).json().perPage).toBe(50);
  });
});

describe('malformed values', () => {
  const cases: Array<[string, string]> = [
    ['?from=yesterday', 'from'],
    ['?from=2026-12-05T10:00:00', 'from'],
    ['?to=2026-02-30T00:00:00Z', 'to'],
    ['?event=auth.*.failure', 'event'],
    ['?event=AUTH%20LOGIN', 'event'],
    ['?ip=999.1.1.1', 'ip'],
    ['?perPage=501', 'perPage'],
    ['?page=0', 'page'],
    ['?skipTotal=yes', 'skipTotal'],
    ['?from=2026-12-05T10:00:00Z&to=2026-12-04T10:00:00Z', 'from'],
    ['?sort=-seq', 'sort'],
  ];
  it.each(cases)('%s → 400 naming %s', async (query, field) => {
    const response = await search(query);
    expectProblem(response, 400, 'HTTP_VALIDATION');
    expect(errorFields(response)).toContain(field);
  });
});

describe('injection text', () => {
  const payloads = ["' OR '1'='1", "x'); DROP TABLE audit_log; --", '%', '_', 'auth.%', '1 UNION SELECT * FROM users'];
  it('is inert in every parameter: refused as malformed, or matching nothing; the log is untouched', async () => {
    const rowsBefore = await countRows();
    for (const payload of payloads) {
      for (const name of ['from', 'to', 'event', 'actor', 'ip']) {
        const response: LightMyRequestResponse = await search(`?${name}=${encodeURIComponent(payload)}`);
        if (response.statusCode === 400) {
          expect(errorFields(response)).toEqual([name]);
          continue;
        }
        expect(response.statusCode, `${name}=${payload}`).toBe(200);
        expect(response.json().items, `${name}=${payload}`).toEqual([]);
      }
    }
    expect(await countRows()).toBe(rowsBefore);
  });
});

async function countRows(): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM audit_log`.execute(app.database.db);
  return Number(rows[0]?.n);
}

describe('what entries show', () => {
  it('never a password, second-factor secret, token or key from the flow that wrote them', async () => {
    const body = (await search('?perPage=500')).body;
    expect(body).toContain('auth.login.failure');
    for (const secret of [PASSWORD, WRONG_PASSWORD, admin.totpSecret, admin.accessToken, user.accessToken]) {
      expect(body).not.toContain(secret);
    }
    expect(body).not.toContain((adminKey.authorization ?? '').replace('Bearer ', ''));
  });
});

describe('security summary', () => {
  it('counts the last 24 hours by family and by type, for administrators only', async () => {
    expectProblem(await app.http.inject({ url: '/api/admin/security/summary' }), 401);
    expectProblem(await app.http.inject({ url: '/api/admin/security/summary', headers: user.headers }), 403);
    const summary = (await app.http.inject({ url: '/api/admin/security/summary', headers: admin.headers })).json();
    expect(summary.events).toContainEqual({ name: 'auth.login.failure', count: 3 });
    const auth = summary.families.find((family: { name: string }) => family.name === 'auth');
    const authTypes = summary.events.filter((event: { name: string }) => event.name.startsWith('auth.'));
    expect(auth.count).toBe(authTypes.reduce((sum: number, event: { count: number }) => sum + event.count, 0));
    expect(summary.total).toBe(await countRows());
  });
});
