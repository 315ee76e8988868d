import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  adminApi,
  createCollection,
  createRecord,
  errorFields,
  expectProblem,
  newAdmin,
  newUser,
  rawRow,
  rawRows,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * What a record value may cost and hold. Patterns run on a linear-time engine (an exponential
 * pattern once stalled the event loop for seconds on a guest's 29 characters); NUL, lone
 * surrogates and dates that do not exist are refused rather than failing in the driver or being
 * stored as something else; the rule is checked before the values, so a caller it refuses learns
 * nothing from them (not even which related ids exist); hidden fields are the server's to set.
 */

/** Patterns that backtrack exponentially, each with a value that makes a backtracker try every path. */
const EXPONENTIAL: ReadonlyArray<{ field: string; pattern: string; attack: (length: number) => string }> = [
  { field: 'digits', pattern: '^(\\w|\\d)*$', attack: (n) => `${'1'.repeat(n)}!` },
  { field: 'twins', pattern: '^(a|a)*$', attack: (n) => `${'a'.repeat(n)}!` },
  { field: 'overlap', pattern: '^([a-z]|[a-z0-9])*!$', attack: (n) => `${'a'.repeat(n)}?` },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

describe('record values', () => {
  let admin: Account;
  let alice: Account;
  let bob: Account;
  let open: string;
  let members: string;

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    bob = await newUser(app, 'bob');
    const patterned = [
      ...EXPONENTIAL.map(({ field, pattern }) => ({ name: field, type: 'text', pattern })),
      { name: 'plain', type: 'text' },
    ];
    open = uniqueName('open');
    await createCollection(app, admin, { name: open, fields: patterned, rules: { create: '', view: '' } });
    // Signed-in users only, writing records they own: a guest is refused whatever it sends.
    members = uniqueName('members');
    await createCollection(app, admin, {
      name: members,
      fields: [
        ...patterned,
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'friend', type: 'relation', collection: 'users' },
        { name: 'when', type: 'date' },
        { name: 'note', type: 'text', hidden: true },
      ],
      rules: {
        create: '@request.auth.id != "" && owner = @request.auth.id',
        update: 'owner = @request.auth.id',
        view: 'owner = @request.auth.id',
      },
    });
  });

  describe('patterns run in linear time', () => {
    const timedCreate = async (body: Record<string, string>) => {
      const started = performance.now();
      const response = await recordsApi(app, open).create(undefined, body);
      return { response, elapsedMs: performance.now() - started };
    };

    it.each(EXPONENTIAL)(
      '`$pattern` costs a value no more than a field without a pattern does',
      async ({ field, attack }) => {
        // 25 characters: thirty million paths for a backtracking engine (seconds), nothing for an automaton.
        const value = attack(25);
        // Warm both paths up (JIT, the automaton's state cache, prepared statements).
        for (let i = 0; i < 2; i++) await timedCreate({ plain: value });
        await timedCreate({ [field]: value });
        const withPattern: number[] = [];
        const withoutPattern: number[] = [];
        // Interleaved, so drift in machine load affects both series alike.
        for (let i = 0; i < 5; i++) {
          const refused = await timedCreate({ [field]: value });
          expectProblem(refused.response, 400, 'HTTP_VALIDATION');
          expect(refused.response.json().errors).toEqual([expect.objectContaining({ field, code: 'pattern' })]);
          withPattern.push(refused.elapsedMs);
          const stored = await timedCreate({ plain: value });
          expect(stored.response.statusCode, stored.response.body).toBe(201);
          withoutPattern.push(stored.elapsedMs);
        }
        // Same order of cost; a backtracker pays hundreds of times more here, doubling per
        // character. The factor leaves room for noise on requests of about a millisecond.
        const [patterned, plain] = [median(withPattern), median(withoutPattern)];
        expect(patterned, `medians: pattern ${patterned.toFixed(1)} ms, plain ${plain.toFixed(1)} ms`).toBeLessThan(
          10 * plain,
        );

        // Only then (a backtracker would never finish it) a value 10,000 characters long: answered too.
        const long = await recordsApi(app, open).create(undefined, { [field]: attack(9_990) });
        expectProblem(long, 400, 'HTTP_VALIDATION');
        expect(errorFields(long)).toEqual([field]);
      },
    );

    it('accepts the values the patterns describe', async () => {
      const record = await createRecord(app, open, undefined, { digits: 'abc123', twins: 'aaaa', overlap: 'ab1!' });
      expect(record).toMatchObject({ digits: 'abc123', twins: 'aaaa', overlap: 'ab1!' });
    });
  });

  describe('the rule is checked before the values', () => {
    const NO_SUCH_USER = '00000000-0000-4000-8000-000000000000';
    /** Bodies each wrong in its own way: patterns, types, unknown and hidden fields, relations, dates. */
    const hostileBodies = () => [
      ...EXPONENTIAL.map(({ field, attack }) => ({ [field]: attack(20) })),
      ...EXPONENTIAL.map(({ field, attack }) => ({ [field]: attack(9_990) })),
      { plain: 42 },
      { no_such_field: 'x' },
      { note: 'set by a stranger' },
      { friend: NO_SUCH_USER },
      { friend: alice.id },
      { owner: NO_SUCH_USER },
      { when: '2024-02-30' },
      { id: 'chosen' },
    ];

    it('a guest the create rule refuses gets 403 whatever it sends, and nothing is stored', async () => {
      for (const body of hostileBodies()) {
        const response = await recordsApi(app, members).create(undefined, body);
        expectProblem(response, 403, 'REC_FORBIDDEN');
        expect(response.json().errors, JSON.stringify(body)).toBeUndefined();
      }
      expect(await rawRows(app, `c_${members}`)).toEqual([]);
    });

    it('a caller the create rule admits learns what is wrong, relations included', async () => {
      const missing = await recordsApi(app, members).create(alice.headers, { owner: alice.id, friend: NO_SUCH_USER });
      expectProblem(missing, 400, 'HTTP_VALIDATION');
      expect(missing.json().errors).toEqual([expect.objectContaining({ field: 'friend', code: 'relation' })]);
      const several = await recordsApi(app, members).create(alice.headers, {
        owner: alice.id,
        digits: EXPONENTIAL[0]?.attack(20),
        plain: 42,
        friend: NO_SUCH_USER,
      });
      expectProblem(several, 400, 'HTTP_VALIDATION');
      expect(errorFields(several).sort()).toEqual(['digits', 'friend', 'plain']);
    });

    it('a user the update rule refuses gets 404 whatever it sends, and the record is unchanged', async () => {
      const record = await createRecord(app, members, alice.headers, { owner: alice.id, plain: 'alice’s' });
      const before = await rawRow(app, `c_${members}`, record.id);
      for (const body of hostileBodies()) {
        expectProblem(await recordsApi(app, members).update(bob.headers, record.id, body), 404, 'REC_NOT_FOUND');
        expectProblem(await recordsApi(app, members).update(undefined, record.id, body), 404, 'REC_NOT_FOUND');
      }
      expect(await rawRow(app, `c_${members}`, record.id)).toEqual(before);
      // A missing update rule (administrators only) refuses the same way, before any value is read.
      const locked = await createRecord(app, open, undefined, { plain: 'locked' });
      for (const body of hostileBodies()) {
        expectProblem(await recordsApi(app, open).update(alice.headers, locked.id, body), 404, 'REC_NOT_FOUND');
      }
      const own = await recordsApi(app, members).update(alice.headers, record.id, { friend: NO_SUCH_USER });
      expectProblem(own, 400, 'HTTP_VALIDATION');
      expect(errorFields(own)).toEqual(['friend']);
    });
  });

  describe('characters and dates', () => {
    let values: string;
    beforeAll(async () => {
      values = uniqueName('values');
      await createCollection(app, admin, {
        name: values,
        fields: [
          { name: 'title', type: 'text' },
          { name: 'mail', type: 'email' },
          { name: 'link', type: 'url' },
          { name: 'kind', type: 'select', values: ['a'] },
          { name: 'who', type: 'relation', collection: 'users' },
          { name: 'day', type: 'date' },
        ],
        rules: { create: '', update: '', view: '' },
      });
    });

    it('refuses NUL and lone surrogates in every text-like field with 400, storing nothing', async () => {
      const bad = ['a\u0000b', '\u0000', 'a\ud800b', 'a\udc00', '\udbff', 'x\udc00\ud800y'];
      for (const field of ['title', 'mail', 'link', 'kind', 'who', 'day']) {
        for (const text of bad) {
          const response = await recordsApi(app, values).create(undefined, { [field]: text });
          expectProblem(response, 400);
          expect(response.body).not.toMatch(/invalid byte sequence|0x00|postgres|sqlite/i);
        }
      }
      expect(await rawRows(app, `c_${values}`)).toEqual([]);
      const record = await createRecord(app, values, undefined, { title: 'ok' });
      for (const text of bad) {
        expectProblem(await recordsApi(app, values).update(undefined, record.id, { title: text }), 400);
      }
      expect((await rawRow(app, `c_${values}`, record.id))?.title).toBe('ok');
    });

    it('keeps characters outside the BMP (a surrogate pair) as sent', async () => {
      const title = 'emoji 😀 and 𝄞';
      const record = await createRecord(app, values, undefined, { title, mail: 'ü😀@example.com' });
      expect((await recordsApi(app, values).view(undefined, record.id)).json().title).toBe(title);
      expect((await rawRow(app, `c_${values}`, record.id))?.title).toBe(title);
    });

    it('refuses dates that do not exist instead of rolling them over', async () => {
      for (const day of [
        '2024-02-30',
        '2023-02-29',
        '2024-04-31',
        '2024-13-01',
        '2024-00-10',
        '2024-01-00',
        '2024-01-01T24:00Z',
        '2024-01-01T23:60Z',
        '2024-01-01T23:59:60Z',
        '2024-01-01T10:00+24:00',
      ]) {
        const response = await recordsApi(app, values).create(undefined, { day });
        expectProblem(response, 400);
        expect(errorFields(response), day).toEqual(['day']);
      }
      for (const [day, stored] of [
        ['2024-02-29', '2024-02-29T00:00:00.000Z'],
        ['2024-12-31T23:59:59.999Z', '2024-12-31T23:59:59.999Z'],
        ['2024-03-01T01:30+02:00', '2024-02-29T23:30:00.000Z'],
      ] as const) {
        expect((await createRecord(app, values, undefined, { day })).day).toBe(stored);
      }
    });
  });

  describe('hidden fields', () => {
    it('are set by administrators only, unless the field says clientWritable', async () => {
      const name = uniqueName('accounts');
      await createCollection(app, admin, {
        name,
        fields: [
          { name: 'owner', type: 'relation', collection: 'users' },
          { name: 'plan', type: 'text', hidden: true },
          { name: 'draft', type: 'text', hidden: true, clientWritable: true },
        ],
        rules: { create: 'owner = @request.auth.id', update: 'owner = @request.auth.id' },
      });
      const api = recordsApi(app, name);
      const refused = await api.create(alice.headers, { owner: alice.id, plan: 'premium' });
      expectProblem(refused, 400, 'HTTP_VALIDATION');
      expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'plan', code: 'server_managed' })]);
      expect(await rawRows(app, `c_${name}`)).toEqual([]);

      const record = await createRecord(app, name, alice.headers, { owner: alice.id, draft: 'mine to write' });
      expectProblem(await api.update(alice.headers, record.id, { plan: 'premium' }), 400, 'HTTP_VALIDATION');
      expect(await rawRow(app, `c_${name}`, record.id)).toMatchObject({ plan: '', draft: 'mine to write' });

      expect((await api.update(admin.headers, record.id, { plan: 'premium' })).statusCode).toBe(200);
      expect((await api.update(alice.headers, record.id, { draft: 'changed' })).statusCode).toBe(200);
      expect(await rawRow(app, `c_${name}`, record.id)).toMatchObject({ plan: 'premium', draft: 'changed' });
    });

    it('cannot be unique (a 409 would answer guesses), and clientWritable needs hidden', async () => {
      const name = uniqueName('tokens');
      const unique = await adminApi(app).create(admin.headers, {
        name,
        fields: [{ name: 'token', type: 'text', hidden: true, unique: true }],
      });
      expectProblem(unique, 400, 'COLL_INVALID');
      expect(errorFields(unique)).toEqual(['fields.0.unique']);
      const writable = await adminApi(app).create(admin.headers, {
        name,
        fields: [{ name: 'token', type: 'text', clientWritable: true }],
      });
      expectProblem(writable, 400, 'COLL_INVALID');
      expect(errorFields(writable)).toEqual(['fields.0.clientWritable']);

      await createCollection(app, admin, { name, fields: [{ name: 'token', type: 'text', unique: true }] });
      const patched = await adminApi(app).patch(admin.headers, name, {
        fields: [{ name: 'token', type: 'text', unique: true, hidden: true }],
      });
      expectProblem(patched, 400, 'COLL_INVALID');
      expect(errorFields(patched)).toEqual(['fields.0.unique']);
    });
  });
});
