import type { ScanResponse } from './scan-client.js';
import { report, type ScanContext } from './scan-context.js';

/** What a file's content must look like to count: a status 200 alone proves nothing (soft 404s). */
interface ExposedFile {
  path: string;
  id: string;
  /** Evidence when the body is the real thing, null otherwise. Never quotes a secret value. */
  judge: (body: Buffer, text: string) => string | null;
}

const startsWith = (magic: string, label: string) => (body: Buffer) =>
  body.subarray(0, magic.length).equals(Buffer.from(magic, 'latin1'))
    ? `${label} signature, ${body.length} bytes read`
    : null;

const looksHtml = (text: string) => /^\s*<(?:!doctype|html|head|body)/i.test(text);

/** Names of the variables in an env file, without their values. */
function envFile(_body: Buffer, text: string): string | null {
  if (looksHtml(text)) return null;
  const names = [...text.matchAll(/^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=/gm)].map((match) => match[1]);
  return names.length > 0 ? `variables ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}` : null;
}

const matching = (pattern: RegExp, label: string) => (_body: Buffer, text: string) =>
  !looksHtml(text) && pattern.test(text) ? label : null;

const SQL_DUMP = matching(
  /^(?:CREATE TABLE|INSERT INTO|-- (?:MySQL|PostgreSQL) (?:dump|database dump))/im,
  'SQL dump text',
);
const SQLITE = startsWith('SQLite format 3\0', 'SQLite database');
const SOURCE_BACKUP = matching(/<\?php|^\s*\$\w+\s*=|^\s*(?:define|require)\(/m, 'PHP source');

const FILES: readonly ExposedFile[] = [
  { path: '/.env', id: 'exposed-env-file', judge: envFile },
  { path: '/.env.bak', id: 'exposed-env-file', judge: envFile },
  { path: '/.git/config', id: 'exposed-git', judge: matching(/^\s*\[core\]/m, '[core] section of a Git config') },
  { path: '/.git/HEAD', id: 'exposed-git', judge: matching(/^(?:ref: refs\/|[0-9a-f]{40}\s*$)/, 'Git HEAD reference') },
  { path: '/backup.zip', id: 'exposed-backup', judge: startsWith('PK\x03\x04', 'ZIP') },
  { path: '/backup.tar.gz', id: 'exposed-backup', judge: startsWith('\x1f\x8b', 'gzip') },
  { path: '/db.sqlite', id: 'exposed-backup', judge: SQLITE },
  { path: '/database.sqlite', id: 'exposed-backup', judge: SQLITE },
  { path: '/dump.sql', id: 'exposed-backup', judge: SQL_DUMP },
  { path: '/backup.sql', id: 'exposed-backup', judge: SQL_DUMP },
  { path: '/index.php.bak', id: 'exposed-backup', judge: SOURCE_BACKUP },
  { path: '/config.php.bak', id: 'exposed-backup', judge: SOURCE_BACKUP },
  { path: '/.DS_Store', id: 'exposed-ds-store', judge: startsWith('\0\0\0\x01Bud1', '.DS_Store') },
];

/** Folders often left browsable; the base answer itself is judged too. */
const LISTING_PATHS = ['/uploads/', '/files/', '/static/', '/backup/'];
const LISTING = /<title>\s*Index of \/|<h1>\s*Index of \/|Directory listing for \/|\[To Parent Directory\]/i;

/** Well-known files and directory listings, judged by content. */
export async function checkExposedFiles(context: ScanContext, baseResponse: ScanResponse): Promise<void> {
  const reported = new Set<string>();
  for (const file of FILES) {
    if (file.id !== 'exposed-backup' && reported.has(file.id)) continue;
    const response = await context.client.send({ path: file.path });
    if (response?.status !== 200) continue;
    const evidence = file.judge(response.body, response.text);
    if (!evidence) continue;
    reported.add(file.id);
    report(context, file.id, response.url, `200 with ${evidence}`);
  }
  if (LISTING.test(baseResponse.text)) {
    report(context, 'directory-listing', baseResponse.url, `${baseResponse.status} body is a directory index`);
    return;
  }
  for (const path of LISTING_PATHS) {
    const response = await context.client.send({ path });
    if (response?.status === 200 && LISTING.test(response.text)) {
      report(context, 'directory-listing', response.url, '200 body is a directory index');
      return;
    }
  }
}
