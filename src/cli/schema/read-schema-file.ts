import { readFileSync, statSync } from 'node:fs';
import { isAppError } from '../../errors/index.js';
import { readSchemaDocument, type SchemaDocument } from '../../features/collections/index.js';
import { CliError, EXIT_FINDINGS, EXIT_USAGE } from '../output.js';

/** Problems named in the one error line; the rest are counted. */
const MAX_LISTED_PROBLEMS = 5;
/** Largest schema file read: far above 500 collections of 64 fields, far below what would strain memory. */
const MAX_SCHEMA_FILE_BYTES = 16 * 1024 * 1024;

/** A schema file as `bulwark schema apply` and `bulwark types --schema` read it: size, JSON, shape. */
export function readSchemaFile(file: string): SchemaDocument {
  let text: string;
  try {
    if (statSync(file).size > MAX_SCHEMA_FILE_BYTES) {
      throw new CliError(`${file} is larger than 16 MiB; fix: give the file bulwark schema export wrote`);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `cannot read ${file} (${(error as { code?: string }).code ?? 'unreadable'}); fix: check the path`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON; fix: give the file bulwark schema export wrote`);
  }
  try {
    return readSchemaDocument(value);
  } catch (error) {
    throw asCliError(error, file);
  }
}

/** A refusal of the file's content as one line naming the problems; anything else is not ours to word. */
export function asCliError(error: unknown, file: string): unknown {
  if (!isAppError(error)) return error;
  if (error.code === 'SCHEMA_INVALID' || error.code === 'COLL_INVALID') {
    const problems = error.fields ?? [];
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `${p.field} ${p.message}`);
    if (problems.length > MAX_LISTED_PROBLEMS) listed.push(`and ${problems.length - MAX_LISTED_PROBLEMS} more`);
    return new CliError(
      `${file} is not a valid schema, nothing was changed: ${listed.join('; ')}; fix: correct the file and run again`,
      EXIT_USAGE,
    );
  }
  if (error.code === 'COLL_UNIQUE_CONFLICT') {
    return new CliError(
      `${error.detail ?? 'records share a value of a field made unique'} Nothing was changed; fix: make those values distinct, then apply again`,
      EXIT_FINDINGS,
    );
  }
  return error;
}
