import { writeFileSync } from 'node:fs';
import { renderConfigDoc, renderErrorsDoc } from '../src/docs/render-docs.js';

writeFileSync(new URL('../docs/config.md', import.meta.url), renderConfigDoc());
writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
process.stdout.write('wrote docs/config.md and docs/errors.md\n');
