import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigDoc, renderErrorsDoc, renderFindingsDoc } from '../src/docs/render-docs.js';
import { renderSecurityDocs } from '../src/docs/security/index.js';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

writeFileSync(new URL('docs/config.md', root), renderConfigDoc());
writeFileSync(new URL('docs/errors.md', root), renderErrorsDoc());
writeFileSync(new URL('docs/findings.md', root), renderFindingsDoc());
const security = renderSecurityDocs({ readme: read('README.md'), packageJson: JSON.parse(read('package.json')) });
for (const [path, text] of Object.entries(security)) writeFileSync(new URL(path, root), text);
process.stdout.write(
  `wrote docs/config.md, docs/errors.md, docs/findings.md and ${Object.keys(security).join(', ')}\n`,
);
