import type { TSchema } from '@sinclair/typebox';
import { SCAN_RULES } from '../cli/scan/rules.js';
import { CONFIG_CHECKS, envNameFor, FINDINGS, type FindingInfo, listConfigLeaves } from '../config/index.js';
import { ENV_ALIASES } from '../config/schema.js';
import {
  ERROR_CODES,
  type ErrorCodeInfo,
  OPERATOR_CODES,
  type OperatorCodeInfo,
  PROBLEM_TYPE_BASE,
} from '../errors/index.js';
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
  const operatorRows = Object.entries(OPERATOR_CODES as Record<string, OperatorCodeInfo>).map(
    ([code, info]) => `| \`${code}\` | ${info.seen} | ${info.meaning} | ${info.hint} |`,
  );
  return [
    '# Error codes',
    '',
    'Generated from `src/errors/codes.ts` and `src/errors/operator-codes.ts` by `npm run docs`; do not',
    'edit by hand.',
    '',
    '## Codes a client receives',
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
    '## Codes only an operator sees',
    '',
    'These never reach a client: a request that meets one is answered `HTTP_INTERNAL` (500) and the',
    'code is logged with the cause under the request id. Commands print them on refusing to go on.',
    'Findings printed by `serve` and `bulwark audit` (`[finding-id]`) are in',
    '[findings.md](findings.md).',
    '',
    '| code | where it is seen | what it means | what to do |',
    '| --- | --- | --- | --- |',
    ...operatorRows,
    '',
  ].join('\n');
}

/**
 * docs/findings.md: the configuration checks from their own fixed text, every other finding
 * (refusals at start, `bulwark audit`'s deployment checks) from the FINDINGS catalogue.
 */
export function renderFindingsDoc(): string {
  const configRows = CONFIG_CHECKS.map(
    (check) => `| \`${check.id}\` | ${check.severity} | ${check.message} | ${check.fix} |`,
  );
  const otherRows = Object.entries(FINDINGS as Record<string, FindingInfo>).map(
    ([id, info]) => `| \`${id}\` | ${info.severity} | ${info.printedBy} | ${info.meaning} | ${info.fix} |`,
  );
  const scanRows = SCAN_RULES.map(
    (rule) => `| \`${rule.id}\` | ${rule.check} | ${rule.severity} | ${rule.title} | ${rule.fix} |`,
  );
  return [
    '# Findings',
    '',
    'Generated from `src/config/checks.ts`, `src/config/alert-checks.ts`,',
    '`src/config/finding-catalogue.ts` and `src/cli/scan/rules.ts` by `npm run docs`; do not edit by hand.',
    '',
    'A refusal is printed as `<what is wrong> [<id>]; fix: <what to do>`, naming the file, key,',
    'account or process it is about. `serve` refuses to start on a high finding (exit 1), and logs',
    'each other one as a warning (`check` is the id) and in the audit log (`config.finding`);',
    '`bulwark audit` lists every finding and exits 1 when one is high.',
    'Operator error codes (`CFG_*`, `CRYPTO_*`, …) are in [errors.md](errors.md).',
    '',
    '## Configuration checks (`serve` and `bulwark audit`)',
    '',
    '| id | severity | what it means | what to do |',
    '| --- | --- | --- | --- |',
    ...configRows,
    '',
    '## Refusals at start and deployment checks',
    '',
    '| id | severity | printed by | what it means | what to do |',
    '| --- | --- | --- | --- | --- |',
    ...otherRows,
    '',
    '## Scanner findings (`bulwark scan URL`)',
    '',
    'What `bulwark scan` reports about any running backend, Bulwark or not, from the outside. The id',
    'is the SARIF rule id and the JSON `id`; a finding may be raised above its usual severity (CORS',
    'with credentials) and says so in its evidence. `bulwark scan` exits 1 on a high one.',
    '',
    '| id | check | usual severity | what it means | what to do |',
    '| --- | --- | --- | --- | --- |',
    ...scanRows,
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
