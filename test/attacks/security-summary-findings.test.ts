import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Account, newAdmin } from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The security summary lists the configuration findings that hold now, each with its severity,
 * message and fix, as `bulwark audit` words them: one from the configuration (a CORS origin over
 * plain HTTP), and one from the deployment that appears while the server runs (the master key
 * file made readable by others), without a restart.
 */

let admin: Account;
const app = useTestApp({ logLevel: 'silent', env: { BULWARK_CORS_ORIGINS: 'http://app.example.test' } });
beforeAll(async () => {
  admin = await newAdmin(app);
});

interface Finding {
  id: string;
  severity: string;
  message: string;
  fix: string;
}

async function findings(): Promise<Finding[]> {
  const response = await app.http.inject({ url: '/api/admin/security/summary', headers: admin.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().findings;
}

describe('security summary findings', () => {
  it('names each finding in force with its severity and fix, checked at every request', async () => {
    expect(await findings()).toEqual([
      {
        id: 'cors-plain-http-origin',
        severity: 'medium',
        message: 'CORS trusts an origin served over plain HTTP',
        fix: 'use https:// origins in cors.origins',
      },
    ]);
    const keyFile = join(app.dataDir, 'master.key');
    chmodSync(keyFile, 0o644);
    try {
      const now = await findings();
      // Most severe first: the readable key file before the CORS origin.
      expect(now.map((finding) => [finding.id, finding.severity])).toEqual([
        ['master-key-file-readable', 'high'],
        ['cors-plain-http-origin', 'medium'],
      ]);
      expect(now[0]?.fix).toMatch(/chmod 600/);
    } finally {
      chmodSync(keyFile, 0o600);
    }
    expect((await findings()).map((finding) => finding.id)).toEqual(['cors-plain-http-origin']);
  });
});
