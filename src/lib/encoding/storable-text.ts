/**
 * Characters no text column can hold faithfully. NUL cannot be stored in PostgreSQL text
 * (binding it fails inside the driver, a 500), and a lone UTF-16 surrogate is not Unicode: it is
 * bound as U+FFFD on PostgreSQL and kept as broken UTF-8 by SQLite, so what is read back is not
 * what was checked. The rule lexer (string literals), the rule compiler (`@request.body` values)
 * and record values (every text-like field) refuse both with this one check.
 */
export type UnstorableCharacter = 'nul' | 'lone-surrogate';

/** What is wrong with the UTF-16 unit at `index`, or undefined when it can be stored. */
export function unstorableCharacterAt(text: string, index: number): UnstorableCharacter | undefined {
  const code = text.charCodeAt(index);
  if (code === 0) return 'nul';
  if (isHighSurrogate(code)) return isLowSurrogate(text.charCodeAt(index + 1)) ? undefined : 'lone-surrogate';
  if (isLowSurrogate(code)) return isHighSurrogate(text.charCodeAt(index - 1)) ? undefined : 'lone-surrogate';
  return undefined;
}

/** The first unstorable character of `text` and its offset, or undefined when all can be stored. */
export function findUnstorableCharacter(text: string): { index: number; problem: UnstorableCharacter } | undefined {
  for (let index = 0; index < text.length; index++) {
    const problem = unstorableCharacterAt(text, index);
    if (problem) return { index, problem };
  }
  return undefined;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
