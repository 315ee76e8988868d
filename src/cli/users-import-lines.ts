import type { ImportedAccount } from '../features/identity/index.js';
import { normaliseEmail } from '../features/identity/index.js';
import { checkAccountFields } from './account-fields.js';

/** A refused line of the file, by its number (1-based, as editors count). */
export interface BadLine {
  line: number;
  problem: string;
}

/** As sign-up allows (`POST /api/auth/register`). */
const MAX_NAME_LENGTH = 200;
const FIELDS = new Set(['email', 'name', 'role']);
/**
 * Any field whose name looks like a credential: a password in a file is a password in a
 * backup, a shell history and a mailbox. Each user chooses theirs through the mailed link.
 */
const CREDENTIAL_FIELD = /pass|pwd|secret|hash|token|credential/i;

/**
 * Reads a JSON-lines file of accounts: one object per line with `email`, optional `name` and
 * optional `role` (`user`, the default, or `admin`); blank lines are skipped. Every line is
 * checked, so the operator sees every problem at once, each with its line number.
 */
export function parseImportLines(text: string): { accounts: ImportedAccount[]; bad: BadLine[] } {
  const accounts: ImportedAccount[] = [];
  const bad: BadLine[] = [];
  const firstLineOf = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const parsed = parseAccount(raw);
    if (typeof parsed === 'string') {
      bad.push({ line, problem: parsed });
      return;
    }
    const seen = firstLineOf.get(parsed.email);
    if (seen !== undefined) {
      bad.push({ line, problem: `${parsed.email} is also on line ${seen}` });
      return;
    }
    firstLineOf.set(parsed.email, line);
    accounts.push({ ...parsed, line });
  });
  return { accounts, bad };
}

/** The account on one line, or what is wrong with it. */
function parseAccount(raw: string): Omit<ImportedAccount, 'line'> | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'not valid JSON; each line must be one object, e.g. {"email": "ana@example.com", "name": "Ana"}';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'not a JSON object; each line must be one object, e.g. {"email": "ana@example.com"}';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const credential = keys.find((key) => CREDENTIAL_FIELD.test(key));
  if (credential !== undefined) {
    return `carries a password ("${credential}"); passwords never go in the file: remove the field, each user sets theirs through the mailed link`;
  }
  const unknown = keys.find((key) => !FIELDS.has(key));
  if (unknown !== undefined) return `unknown field "${unknown.slice(0, 40)}"; only email, name and role are read`;
  return checkEmail(record.email) ?? checkName(record.name) ?? checkRole(record.role) ?? toAccount(record);
}

function checkEmail(email: unknown): string | null {
  if (typeof email !== 'string') return 'email is missing or not a string';
  const refusal = checkAccountFields({ email });
  return refusal === null ? null : `email ${refusal.message}`;
}

function checkName(name: unknown): string | null {
  if (name === undefined || name === null) return null;
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(name)) {
    return `name must be text of at most ${MAX_NAME_LENGTH} printable characters`;
  }
  return null;
}

function checkRole(role: unknown): string | null {
  if (role === undefined || role === 'user' || role === 'admin') return null;
  return 'role must be "user" or "admin" (or left out, for "user")';
}

function toAccount(record: Record<string, unknown>): Omit<ImportedAccount, 'line'> {
  const name = typeof record.name === 'string' && record.name.trim() !== '' ? record.name.trim() : null;
  return { email: normaliseEmail(record.email as string), name, role: record.role === 'admin' ? 'admin' : 'user' };
}
