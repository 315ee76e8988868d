import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import secureJsonParse from 'secure-json-parse';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type ConfigProblem } from './errors.js';
import { type Config, ConfigSchema, ENV_ALIASES, envNameFor, listConfigLeaves, NON_CONFIG_ENV } from './schema.js';

export interface LoadConfigOptions {
  /** Explicit file path (`--config`); otherwise `bulwark.config.{json,yaml,yml}` in `cwd`. */
  configFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Values from command-line flags, applied last. Dotted paths. */
  overrides?: Readonly<Record<string, unknown>>;
}

export type FrozenConfig = Readonly<Config> & { readonly configFile: string | undefined };

const DEFAULT_FILES = ['bulwark.config.json', 'bulwark.config.yaml', 'bulwark.config.yml'];

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
const validate = ajv.compile(ConfigSchema);

/**
 * Loads, merges (file < env < flags), validates and deep-freezes the configuration.
 * Throws ConfigError listing every problem with its key and fix; never returns a partial config.
 */
export function loadConfig(options: LoadConfigOptions = {}): FrozenConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? {};
  const configFile = findConfigFile(options.configFile ?? env.BULWARK_CONFIG, cwd);
  const raw: Record<string, unknown> = configFile ? readConfigFile(configFile) : {};
  const sources = new Map<string, string>();
  applyEnv(raw, env, sources);
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) {
      setPath(raw, path, value);
      sources.set(path, `--${path.split('.').pop()}`);
    }
  }
  if (!validate(raw)) {
    throw new ConfigError((validate.errors ?? []).map((error) => describeAjvError(error, sources, configFile)));
  }
  const config = raw as Config;
  const dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(cwd, config.dataDir);
  // Scheduled backups: an empty folder means `<dataDir>/backups`; a relative one is from cwd, like dataDir.
  const backupDir = config.backup.dir === '' ? resolve(dataDir, 'backups') : resolve(cwd, config.backup.dir);
  const resolved = { ...config, dataDir, backup: { ...config.backup, dir: backupDir } };
  return deepFreeze({ ...resolved, configFile });
}

function findConfigFile(explicit: string | undefined, cwd: string): string | undefined {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      throw new ConfigError([
        { path, source: path, message: 'does not exist', fix: 'pass the path of an existing config file' },
      ]);
    }
    return path;
  }
  return DEFAULT_FILES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
}

function readConfigFile(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json')
      ? secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
      : parseYaml(text, { uniqueKeys: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : 'cannot be parsed';
    throw new ConfigError([
      { path, source: path, message: `is not valid: ${message}`, fix: 'correct the file syntax' },
    ]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([{ path, source: path, message: 'must hold an object', fix: 'write keys at top level' }]);
  }
  return parsed as Record<string, unknown>;
}

function applyEnv(
  target: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  sources: Map<string, string>,
): void {
  const leaves = new Map(listConfigLeaves().map((leaf) => [envNameFor(leaf.path), leaf]));
  const unknown: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('BULWARK_') || value === undefined || NON_CONFIG_ENV.has(name)) continue;
    const aliasPath = ENV_ALIASES[name];
    const leaf = aliasPath ? listConfigLeaves().find((l) => l.path === aliasPath) : leaves.get(name);
    if (!leaf) {
      unknown.push({
        path: name,
        source: name,
        message: 'is not a Bulwark setting',
        fix: 'unset it, or use a name listed in docs/config.md',
      });
      continue;
    }
    setPath(target, leaf.path, coerceEnvValue(value, leaf.schema));
    sources.set(leaf.path, name);
  }
  if (unknown.length > 0) throw new ConfigError(unknown);
}

/** Environment values are strings; turn them into the schema's type where they clearly are one. */
function coerceEnvValue(value: string, schema: TSchema): unknown {
  if (schema.type === 'integer' || schema.type === 'number') {
    return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  }
  if (schema.type === 'boolean') {
    if (/^(true|1|yes)$/i.test(value)) return true;
    if (/^(false|0|no)$/i.test(value)) return false;
    return value;
  }
  if (schema.type === 'array') {
    // A list of objects (e.g. OIDC providers) comes as JSON; a malformed one fails validation.
    if (value.trim().startsWith('[')) {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    }
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cursor = target;
  for (const part of parts.slice(0, -1)) {
    const next = Object.hasOwn(cursor, part) ? cursor[part] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cursor[part] = {};
    cursor = cursor[part] as Record<string, unknown>;
  }
  cursor[parts[parts.length - 1] as string] = value;
}

/**
 * One problem per Ajv error, naming where the value came from: the environment variable or
 * flag that set it, else the config file (path and key), since defaults are always valid.
 */
function describeAjvError(
  error: ErrorObject,
  sources: Map<string, string>,
  configFile: string | undefined,
): ConfigProblem {
  const base = error.instancePath.split('/').filter(Boolean).join('.');
  const source = sourceOf(base, sources);
  const from = (problem: ConfigProblem) => (source === undefined ? withFile(problem, configFile) : problem);
  if (error.keyword === 'additionalProperties') {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const path = base ? `${base}.${key}` : key;
    const known = Object.keys(schemaAt(base)?.properties ?? {}).join(', ');
    return from({
      path,
      source: source ?? path,
      message: 'is not a known key',
      fix: `remove it or use one of: ${known}`,
    });
  }
  const path = base || '(root)';
  const leaf = schemaAt(base);
  const hint = leaf?.description ? ` (${leaf.description})` : '';
  return from({ path, source: source ?? path, message: ajvMessage(error), fix: `set a valid value${hint}` });
}

/** The env variable or flag that set `path` or the object holding it (a JSON-valued variable). */
function sourceOf(path: string, sources: Map<string, string>): string | undefined {
  const parts = path.split('.');
  for (let end = parts.length; end > 0; end--) {
    const source = sources.get(parts.slice(0, end).join('.'));
    if (source !== undefined) return source;
  }
  return undefined;
}

function withFile(problem: ConfigProblem, configFile: string | undefined): ConfigProblem {
  return configFile === undefined ? problem : { ...problem, file: configFile };
}

function ajvMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be of type ${String(params.type)}`;
    case 'minimum':
    case 'maximum':
      return `must be ${error.keyword === 'minimum' ? '>=' : '<='} ${String(params.limit)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function schemaAt(path: string): TSchema | undefined {
  let schema: TSchema | undefined = ConfigSchema;
  for (const part of path.split('.').filter(Boolean)) {
    schema = (schema?.properties as Record<string, TSchema> | undefined)?.[part];
  }
  return schema;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
