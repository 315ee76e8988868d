import type { FeedbackType, TranslationKeys } from '@zxcvbn-ts/core';

/*
 * zxcvbn-ts reports feedback as keys ('similarToCommon'); the English text ships only with
 * @zxcvbn-ts/language-en, whose dictionaries cost ~640 ms and ~20 MiB to load and make one
 * 100-character estimate take ~750 ms. So the words are ours. Typing the maps by zxcvbn's own
 * key lists makes tsc name any key a new zxcvbn version adds.
 */
const WARNINGS: Record<keyof TranslationKeys['warnings'], string> = {
  straightRow: 'straight rows of keys are easy to guess',
  keyPattern: 'short keyboard patterns are easy to guess',
  simpleRepeat: 'repeated characters like "aaa" are easy to guess',
  extendedRepeat: 'repeated patterns like "abcabcabc" are easy to guess',
  sequences: 'sequences like "abc" or "123" are easy to guess',
  recentYears: 'recent years are easy to guess',
  dates: 'dates are easy to guess',
  topTen: 'it is one of the most used passwords',
  topHundred: 'it is a very often used password',
  common: 'it is a commonly used password',
  similarToCommon: 'it is similar to a commonly used password',
  wordByItself: 'a single word is easy to guess',
  namesByThemselves: 'single names or surnames are easy to guess',
  commonNames: 'common names and surnames are easy to guess',
  userInputs: 'it contains details of your account',
  pwned: 'it appeared in a data breach',
};

const SUGGESTIONS: Record<keyof TranslationKeys['suggestions'], string> = {
  l33t: "avoid predictable substitutions like '@' for 'a'",
  reverseWords: 'avoid common words spelled backwards',
  allUppercase: 'capitalise some letters, not all',
  capitalization: 'capitalise more than the first letter',
  dates: 'avoid dates and years connected with you',
  recentYears: 'avoid recent years',
  associatedYears: 'avoid years connected with you',
  sequences: 'avoid common sequences of characters',
  repeated: 'avoid repeated words and characters',
  longerKeyboardPattern: 'use longer keyboard patterns that change direction',
  anotherWord: 'add a few less common words',
  useWords: 'use several words, but not a common phrase',
  noNeed: 'a few unrelated words make a strong password without symbols or digits',
  pwned: 'choose a password you have not used anywhere else',
};

const DEFAULT_SUGGESTION = 'make it longer, for example with a few unrelated words';

// hasOwn: a key such as 'constructor' must not reach Object.prototype.
const lookup = (table: Record<string, string>, key: string | null | undefined): string | undefined =>
  key && Object.hasOwn(table, key) ? table[key] : undefined;

/**
 * One user-facing sentence for a password zxcvbn judged too guessable, with its warning and
 * most specific suggestion in English, e.g. "This password is too easy to guess (repeated
 * patterns like "abcabcabc" are easy to guess); avoid repeated words and characters."
 */
export function describeWeakPassword(feedback: FeedbackType): string {
  const warning = lookup(WARNINGS, feedback.warning);
  // zxcvbn puts its generic 'anotherWord' first and the advice specific to the pattern last.
  const suggestion = lookup(SUGGESTIONS, feedback.suggestions.at(-1)) ?? DEFAULT_SUGGESTION;
  return `This password is too easy to guess${warning ? ` (${warning})` : ''}; ${suggestion}.`;
}
