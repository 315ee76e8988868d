import type { TSchema } from '@sinclair/typebox';
import { envNameFor, listConfigLeaves } from '../config/index.js';
import { ENV_ALIASES } from '../config/schema.js';
import { ERROR_CODES, type ErrorCodeInfo, PROBLEM_TYPE_BASE } from '../errors/index.js';
import { MAX_PROBLEM_ERRORS } from '../http/problem.js';

/**
 * docs/config.md and docs/errors.md are generated from the schema and the code registry
 * (`npm run docs`); a test fails when the committed files differ, so docs cannot drift.
 */
export function renderConfigDoc(): string {
  const aliases = new Map(Object.entries(ENV_ALIASES).map(([env, path]) => [path, env]));
  const rows = listConfigLeaves().map(({ path, schema }) => {
    const env = [envNameFor(path), aliases.get(path)].filter(Boolean).map((name) => `\`${name}\``);
    return `| \`${path}\` | ${env.join(', ')} | ${typeOf(schema)} | ${defaultOf(schema)} | ${schema.description ?? ''} |`;
  });
  return [
    '# Configuration',
    '',
    'Generated from `src/config/schema.ts` by `npm run docs`; do not edit by hand.',
    '',
    'Sources, later wins: the config file (`bulwark.config.json`, `.yaml` or `.yml` in the working',
    'folder, or `--config FILE`), then environment variables, then command-line flags (`--host`,',
    '`--port`, `--data`). Unknown keys, unknown `BULWARK_*` variables and wrong types stop the',
    'server with the key and the fix. Lists in the environment are comma-separated.',
    '',
    '| key | environment | type | default | description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CODES as Record<string, ErrorCodeInfo>).map(
    ([code, info]) => `| \`${code}\` | ${info.status} | \`${info.slug}\` | ${info.title} | ${info.hint} |`,
  );
  return [
    '# Error codes',
    '',
    'Generated from `src/errors/codes.ts` by `npm run docs`; do not edit by hand.',
    '',
    `Every error is \`application/problem+json\` (RFC 9457): \`type\` is \`${PROBLEM_TYPE_BASE}<slug>\`,`,
    'plus `title`, `status`, `code` (below), `requestId`, and for validation `errors[]` of',
    `\`{field, code, message}\`: at most ${MAX_PROBLEM_ERRORS} entries, with \`errorsOmitted\` counting the rest,`,
    'so that no answer grows with what a client sent. A 500 carries nothing but these fields: the',
    'cause is in the log under the same request id.',
    '',
    '| code | status | type slug | title | what to do |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

function typeOf(schema: TSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v: unknown) => `\`${String(v)}\``).join(' \\| ');
  if (schema.type === 'array') return `list of ${String((schema.items as TSchema | undefined)?.type ?? 'value')}`;
  return String(schema.type ?? 'value');
}

function defaultOf(schema: TSchema): string {
  if (schema.default === undefined) return '(unset)';
  return `\`${JSON.stringify(schema.default)}\``;
}
