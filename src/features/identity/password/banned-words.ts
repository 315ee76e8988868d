import { normalizePassword } from './normalize-password.js';

/**
 * The product's own name (ASVS V6.1.2): an attacker guessing passwords for a Bulwark deployment
 * tries it first. Case and leetspeak spellings ("BULWARK", "8ulw4rk") are covered by folding,
 * so only the word itself is listed.
 */
export const PRODUCT_WORDS: readonly string[] = ['bulwark'];

/**
 * Words taken from the deployment's name and host shorter than this ('api', 'www', 'my') occur
 * in too many good passwords to refuse them; words the operator lists are taken as given.
 */
export const MIN_DERIVED_WORD_CODE_POINTS = 4;

/**
 * Common leetspeak substitutions. '1' and '|' read as either 'i' or 'l', so a password is folded
 * twice, once each way; every other character folds to one letter.
 */
const LEET_COMMON: Readonly<Record<string, string>> = {
  '4': 'a',
  '@': 'a',
  '8': 'b',
  '3': 'e',
  '9': 'g',
  '6': 'g',
  '!': 'i',
  '0': 'o',
  '5': 's',
  $: 's',
  '7': 't',
  '+': 't',
  '2': 'z',
};
const LEET_READINGS: ReadonlyArray<Readonly<Record<string, string>>> = [
  { ...LEET_COMMON, '1': 'i', '|': 'i' },
  { ...LEET_COMMON, '1': 'l', '|': 'l' },
];

/** A banned word as shown to the user, with its folded spellings. */
export interface BannedWord {
  word: string;
  folded: readonly string[];
}

/** Lowercased NFKC text with every leetspeak reading folded to letters. */
export function foldLeetspeak(text: string): string[] {
  const lower = normalizePassword(text).toLowerCase();
  const readings = LEET_READINGS.map((table) => Array.from(lower, (char) => table[char] ?? char).join(''));
  return [...new Set(readings)];
}

function bannedWord(word: string): BannedWord {
  const shown = normalizePassword(word).toLowerCase().trim();
  return { word: shown, folded: foldLeetspeak(shown) };
}

/** The words of a name or host label long enough to mean something, and the name run together. */
function wordsOfName(name: string): string[] {
  const words = normalizePassword(name)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const joined = words.join('');
  return [joined, ...words].filter((word) => Array.from(word).length >= MIN_DERIVED_WORD_CODE_POINTS);
}

/** The host of `publicUrl` and its labels, except the top-level one ("com" says nothing of us). */
function wordsOfPublicUrl(publicUrl: string | undefined): string[] {
  if (!publicUrl) return [];
  let host: string;
  try {
    host = new URL(publicUrl).hostname.toLowerCase();
  } catch {
    return [];
  }
  // An address literal is no word a person would put in a password.
  if (/^[\d.]+$|^\[/.test(host)) return [];
  const labels = host.split('.').slice(0, -1);
  return [host, ...labels].filter((word) => Array.from(word).length >= MIN_DERIVED_WORD_CODE_POINTS);
}

/** What the deployment's configuration contributes to the list. */
export interface BannedWordSources {
  /** The deployment's own name (config `name`). */
  name?: string | undefined;
  /** Config `publicUrl`: its host and labels are banned. */
  publicUrl?: string | undefined;
  /** Config `auth.passwordBannedWords`, taken as given. */
  extraWords: readonly string[];
}

/**
 * The context-specific words no password may contain (ASVS V6.1.2): the product name, the
 * deployment's name and host, and the operator's own list. Built once per configuration.
 *
 * @example
 * contextBannedWords({ name: 'Acme Shop', publicUrl: 'https://api.acme.example', extraWords: ['roadrunner'] })
 * // words: bulwark, acmeshop, acme, shop, api.acme.example, acme, roadrunner (deduplicated)
 */
export function contextBannedWords(sources: BannedWordSources): BannedWord[] {
  const words = [
    ...PRODUCT_WORDS,
    ...wordsOfName(sources.name ?? ''),
    ...wordsOfPublicUrl(sources.publicUrl),
    ...sources.extraWords,
  ].map(bannedWord);
  const seen = new Set<string>();
  return words.filter(({ word }) => word.length > 0 && !seen.has(word) && Boolean(seen.add(word)));
}

/** The first banned word the password contains in any case or leetspeak reading, or null. */
export function findBannedWord(password: string, words: readonly BannedWord[]): string | null {
  const readings = foldLeetspeak(password);
  const found = words.find(({ folded }) => folded.some((word) => readings.some((reading) => reading.includes(word))));
  return found?.word ?? null;
}
