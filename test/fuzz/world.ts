import { newSignedInUser, PASSWORD } from '../helpers/auth-client.js';
import {
  type Account,
  createCollection,
  createRecord,
  type FieldInput,
  newAdmin,
  newUser,
} from '../helpers/collections-client.js';
import type { TestApp } from '../helpers/test-app.js';
import type { RawAnswer } from './raw-http.js';
import type { FuzzRequest, Operation, World } from './requests.js';
import type { Schema } from './values.js';

/**
 * Collections the fuzzer works on: one open to anyone (so a guest's values reach the record
 * code), one owned per user, one for administrators only. Every field type is there.
 */
const OWN = 'owner = @request.auth.id';
const FIELDS: FieldInput[] = [
  { name: 'title', type: 'text', max: 200 },
  { name: 'note', type: 'text', pattern: '^[a-z ]*$' },
  { name: 'count', type: 'number', min: -1000, max: 1000 },
  { name: 'flag', type: 'bool' },
  { name: 'mail', type: 'email' },
  { name: 'site', type: 'url' },
  { name: 'day', type: 'date' },
  { name: 'meta', type: 'json' },
  { name: 'kind', type: 'select', values: ['a', 'b', 'c'] },
  { name: 'owner', type: 'relation', collection: 'users' },
  { name: 'secret', type: 'text', encrypted: true },
  { name: 'hidden_note', type: 'text', hidden: true },
];
const COLLECTIONS = [
  { name: 'fz_open', rules: { list: '', view: '', create: '', update: '', delete: '' } },
  {
    name: 'fz_owned',
    rules: { list: OWN, view: OWN, create: `@request.auth.id != "" && ${OWN}`, update: OWN, delete: OWN },
  },
  { name: 'fz_admin', rules: {} },
];
/** Collections administrators may change or delete during a run; the three above stay. */
const SPARE = 'fz_spare';

const FIELD_SCHEMAS: Record<string, Schema> = {
  text: { type: 'string', maxLength: 200 },
  number: { type: 'number', minimum: -1000, maximum: 1000 },
  bool: { type: 'boolean' },
  email: { type: 'string', format: 'email' },
  url: { type: 'string', format: 'uri' },
  json: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' } } },
  select: { enum: ['a', 'b', 'c'] },
};
const RECORD_SCHEMA: Schema = {
  type: 'object',
  properties: Object.fromEntries(FIELDS.map((field) => [field.name, FIELD_SCHEMAS[field.type] ?? { type: 'string' }])),
};

const ADMIN_ROUTE_CHANGES = /^(PATCH|DELETE) \/api\/admin\/(collections\/\{name\}|users\/\{id\})/;

/** A bounded pool of values the server handed out (ids, names), newest kept. */
class Pool {
  private readonly items: string[] = [];
  constructor(private readonly cap = 200) {}
  add(value: unknown): void {
    if (typeof value !== 'string' || this.items.includes(value)) return;
    if (this.items.length >= this.cap) this.items.shift();
    this.items.push(value);
  }
  get values(): readonly string[] {
    return this.items;
  }
}

export interface FuzzWorld extends World {
  /** Signs the three callers in again if the run revoked, demoted or deleted them. */
  refreshCredentials: () => Promise<void>;
  /** Learns ids and names from a successful answer, so later requests reach real rows. */
  learn: (request: FuzzRequest, answer: RawAnswer) => void;
}

export async function createWorld(
  app: TestApp,
  url: string,
  document: { components?: { schemas?: Record<string, Schema> } },
): Promise<FuzzWorld> {
  let admin = await newAdmin(app);
  let user: Account = await newUser(app, 'fuzz-user');
  let browser = await newSignedInUser(app, 'fuzz-browser');
  // A login target only: wrong passwords may lock it without costing the run its callers.
  const decoy = await newUser(app, 'fuzz-decoy');
  const records = new Pool();
  const spareCollections = new Pool();
  const spareUsers = new Pool();
  const keyIds = new Pool();
  const sessionIds = new Pool();
  for (const { name, rules } of [...COLLECTIONS, { name: SPARE, rules: {} }]) {
    await createCollection(app, admin, { name, fields: FIELDS, rules });
  }
  spareCollections.add(SPARE);
  for (const { name } of COLLECTIONS) {
    for (const owner of [admin, user]) {
      const record = await createRecord(app, name, admin.headers, { title: 'seed', owner: owner.id, count: 1 });
      records.add(record.id);
    }
  }
  spareUsers.add(decoy.id);

  const { host, port } = new URL(url);
  const hint = (
    name: string,
    operation: Operation,
    where: 'path' | 'query' | 'body',
  ): readonly unknown[] | undefined => {
    const route = `${operation.method} ${operation.path}`;
    if (where === 'path') {
      if (name === 'c') return [...COLLECTIONS.map((c) => c.name), ...spareCollections.values];
      if (name === 'name')
        return ADMIN_ROUTE_CHANGES.test(route) ? spareCollections.values : [...COLLECTIONS.map((c) => c.name), SPARE];
      if (name === 'provider') return ['google', 'github', 'oidc'];
      if (name === 'ip') return ['127.0.0.9', '::1', '203.0.113.7', '2001:db8::1', '::ffff:127.0.0.9'];
      if (name === 'id') {
        if (operation.path.includes('/records/')) return records.values;
        if (operation.path.startsWith('/api/admin/users/')) {
          return ADMIN_ROUTE_CHANGES.test(route) ? spareUsers.values : [user.id, admin.id, ...spareUsers.values];
        }
        if (operation.path.startsWith('/api/keys/')) return keyIds.values;
        if (operation.path.includes('/sessions/')) return sessionIds.values;
      }
      return undefined;
    }
    switch (name) {
      case 'email':
        return [decoy.email, `fuzz-${port}@example.com`];
      case 'password':
      case 'currentPassword':
        return [PASSWORD];
      case 'newPassword':
        return ['violet tractor harbour lantern 77'];
      case 'owner':
        return [user.id, admin.id];
      case 'collection':
        return ['users', 'fz_open'];
      case 'filter':
        return [
          'title ~ "a"',
          'count > 1 && flag = true',
          'owner.email = "x"',
          'created > "2024-01-01"',
          '(title = "x" || count < 0)',
          'day < @now',
          '',
        ];
      case 'sort':
        return ['-created', 'title', '-count,title', 'id', 'owner'];
      case 'next':
        return ['/', '/app/x', 'https://evil.example', '//evil.example'];
      case 'list':
      case 'view':
      case 'create':
      case 'update':
      case 'delete':
        return ['', OWN, '@request.auth.id != ""', 'title ~ "a"', null];
      case 'pattern':
        return ['^[a-z]+$', '^(a|a)*$', '[', '^\\d{3}$'];
      // Valid values and the boundaries next to them (days that do not exist, text a database
      // cannot hold), so record writes get them often, not once in thousands of requests.
      case 'day':
        return ['2024-02-29', '2024-01-31T10:00:00Z', '2025-12-31', '2024-02-30', '2023-02-29', '2024-04-31T12:00:00Z'];
      case 'note':
        return ['', 'a b c', 'plain'];
      case 'title':
        return ['plain title', 'ünïcödé 💥', 'x\ud800y', '\udc00', 'a\u0000b'];
      default:
        return undefined;
    }
  };

  const world: FuzzWorld = {
    host,
    resolve: (ref) => {
      const name = ref.split('/').pop() ?? '';
      return document.components?.schemas?.[name] ?? {};
    },
    hint,
    recordSchema: () => RECORD_SCHEMA,
    credentials: (kind) =>
      kind === 'admin'
        ? admin.headers
        : kind === 'user'
          ? user.headers
          : { cookie: browser.cookie, 'x-csrf-token': browser.csrf },
    async refreshCredentials() {
      const works = async (headers: Record<string, string>) =>
        (await app.http.inject({ url: '/api/auth/me', headers })).statusCode === 200;
      if (!(await works(admin.headers))) admin = await newAdmin(app);
      if (!(await works(user.headers))) user = await newUser(app, 'fuzz-user');
      if (!(await works({ cookie: browser.cookie }))) browser = await newSignedInUser(app, 'fuzz-browser');
    },
    learn(request, answer) {
      if (answer.status < 200 || answer.status > 299) return;
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(answer.body.toString('utf8'));
      } catch {
        return;
      }
      if (request.operation.includes('/records')) {
        records.add(body.id);
        for (const item of (body.items as Array<{ id?: unknown }> | undefined) ?? []) records.add(item.id);
      } else if (request.operation === 'POST /api/admin/collections') spareCollections.add(body.name);
      else if (request.operation === 'POST /api/auth/register') spareUsers.add((body.user as { id?: unknown })?.id);
      else if (request.operation === 'POST /api/keys') keyIds.add((body.apiKey as { id?: unknown })?.id);
      else if (request.operation === 'GET /api/auth/sessions') {
        for (const session of (body.sessions as Array<{ id?: unknown }> | undefined) ?? []) sessionIds.add(session.id);
      }
    },
  };
  return world;
}
