import { describe, expect, it } from 'vitest';
import type { CollectionDefinition, FieldDefinition } from './collection-definition.js';
import { renderRecordTypes } from './record-types.js';
import { readSchemaDocument, toSchemaDocument } from './schema-document.js';
import { planSchema } from './schema-plan.js';

const LOCKED: CollectionDefinition['rules'] = { list: null, view: null, create: null, update: null, delete: null };
const collection = (name: string, fields: FieldDefinition[], rules = LOCKED): CollectionDefinition => ({
  name,
  fields,
  rules,
});

describe('schema plans', () => {
  it('names collections added and removed, and per changed collection its fields, options, order and rules', () => {
    const current = [
      collection('gone', []),
      collection('notes', [
        { name: 'title', type: 'text' },
        { name: 'body', type: 'text' },
        { name: 'old', type: 'number' },
      ]),
      collection('same', [{ name: 'x', type: 'bool' }]),
    ];
    const desired = [
      collection('same', [{ name: 'x', type: 'bool' }]),
      collection('fresh', []),
      collection(
        'notes',
        [
          { name: 'body', type: 'text' },
          { name: 'title', type: 'text', required: true, max: 80 },
          { name: 'due', type: 'date' },
        ],
        { ...LOCKED, list: '' },
      ),
    ];
    const { plan, problems } = planSchema(current, desired);
    expect(problems).toEqual([]);
    expect(plan).toEqual({
      added: ['fresh'],
      removed: ['gone'],
      changed: [
        {
          name: 'notes',
          fieldsAdded: ['due'],
          fieldsDropped: ['old'],
          fieldsChanged: [{ name: 'title', options: ['required', 'max'] }],
          fieldsReordered: true,
          rulesChanged: ['list'],
        },
      ],
    });
  });

  it("refuses a change of a kept field's type or encryption, naming its path in the file", () => {
    const current = [
      collection('a', [
        { name: 'n', type: 'number' },
        { name: 's', type: 'text' },
      ]),
    ];
    const desired = [
      collection('b', []),
      collection('a', [
        { name: 'n', type: 'text' },
        { name: 's', type: 'text', encrypted: true },
      ]),
    ];
    expect(planSchema(current, desired).problems.map((p) => [p.field, p.code])).toEqual([
      ['collections.1.fields.0.type', 'immutable'],
      ['collections.1.fields.1.type', 'immutable'],
    ]);
  });
});

describe('schema files', () => {
  it('export in one order whatever the stored order of collections and keys, and read back what they export', () => {
    const stored = [
      collection('b_two', [{ type: 'text', required: true, name: 'x' } as FieldDefinition]),
      collection('a_one', [{ name: 'y', unique: true, type: 'number' }]),
      collection('a1', []),
    ];
    const document = toSchemaDocument(stored);
    const text = JSON.stringify(document);
    expect(document.collections.map((c) => c.name)).toEqual(['a1', 'a_one', 'b_two']);
    expect(JSON.stringify(toSchemaDocument([...stored].reverse()))).toBe(text);
    expect(text).toContain('"fields":[{"name":"x","type":"text","required":true}]');
    expect(readSchemaDocument(JSON.parse(text))).toEqual(document);
  });

  it('refuse another format, another version and unknown keys, naming each', () => {
    const problems = (value: unknown) => {
      try {
        readSchemaDocument(value);
        return [];
      } catch (error) {
        return ((error as { fields?: Array<{ field: string }> }).fields ?? []).map((p) => p.field).sort();
      }
    };
    expect(problems({ format: 'x', version: 2, collections: [], extra: 1 })).toEqual(['extra', 'format', 'version']);
    expect(problems({ format: 'bulwark-schema', version: 1, collections: [{ name: 'A', fields: [] }] })).toEqual([
      'collections.0.name',
    ]);
  });
});

describe('record types', () => {
  it('leave hidden fields out of records, keep clientWritable ones in inputs, and write select values as JSON literals', () => {
    const text = renderRecordTypes([
      collection('blog_posts', [
        { name: 'title', type: 'text', required: true },
        { name: 'kind', type: 'select', values: ['a"b', '*/'] },
        { name: 'note', type: 'text', hidden: true, clientWritable: true },
        { name: 'internal', type: 'text', hidden: true },
      ]),
    ]);
    expect(text).toContain('export interface BlogPostsRecord {');
    expect(text).toContain(`  kind: "a\\"b" | "*/" | '';`);
    expect(text).toContain('  note?: string;');
    expect(text).not.toContain('internal');
    expect(text).toContain('  blog_posts: BlogPostsRecord;');
  });
});
