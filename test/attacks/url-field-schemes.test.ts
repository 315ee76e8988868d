import { describe, expect, it } from 'vitest';
import {
  createCollection,
  createRecord,
  errorFields,
  expectProblem,
  newAdmin,
  newUser,
  rawRow,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Script URLs smuggled into `url` record fields: javascript:, data:, vbscript: and others in any
 * spelling are refused, on create and on update (OWASP ASVS 5.0 V1.2.2, V5).
 * Run as an outsider would: over HTTP, with nothing but what a client can send; CONTRACT.md
 * "Details a client can rely on" is the expected behaviour.
 */

const app = useTestApp({ logLevel: 'silent' });

describe('V1.2.2/V5 `url` fields hold http and https only', () => {
  it('refuses javascript:, data:, vbscript: in any spelling; accepts https', async () => {
    const admin = await newAdmin(app);
    const user = await newUser(app, 'linker');
    const name = uniqueName('links');
    await createCollection(app, admin, {
      name,
      fields: [{ name: 'link', type: 'url' }],
      rules: { list: '', view: '', create: '@request.auth.id != ""', update: '@request.auth.id != ""' },
    });
    const links = recordsApi(app, name);
    const hostile = [
      'javascript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      '\u0000javascript:alert(1)',
      'file:///etc/passwd',
      '//evil.example/x',
    ];
    for (const link of hostile) {
      const response = await links.create(user.headers, { link });
      expectProblem(response, 400);
      expect(errorFields(response), JSON.stringify(link)).toEqual(['link']);
    }
    const ok = await createRecord(app, name, user.headers, { link: 'https://ok.example' });
    expect(ok.link).toBe('https://ok.example');
    for (const link of hostile.slice(0, 6)) {
      expectProblem(await links.update(user.headers, ok.id, { link }), 400);
    }
    expect((await rawRow(app, `c_${name}`, ok.id))?.link).toBe('https://ok.example');
  });
});
