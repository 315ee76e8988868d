import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { type BannedWord, findBannedWord } from './banned-words.js';
import type { BreachedPasswordList } from './breached-passwords.js';
import { normalizePassword } from './normalize-password.js';
import { describeWeakPassword } from './strength-feedback.js';

/** NIST SP 800-63B §5.1.1.1: memorised secrets are at least 8 characters; no setting may go lower. */
export const MIN_PASSWORD_LENGTH_FLOOR = 8;
/** Default minimum, above NIST's floor: length is what resists guessing. */
export const DEFAULT_MIN_PASSWORD_LENGTH = 12;
/**
 * NIST asks that at least 64 characters be accepted (§5.1.1.2). The cap exists because every
 * character is hashed and estimated on each sign-in and change; 256 leaves room for long
 * passphrases while bounding that cost.
 */
export const MAX_PASSWORD_LENGTH = 256;

/** zxcvbn scores 0–4; below 2 means under ~10^6 guesses, within reach of an online attack even when throttled. */
const MIN_STRENGTH_SCORE = 2;
/**
 * zxcvbn's cost grows faster than linearly with length, and it runs on the event loop: the first
 * 100 code points decide the verdict in practice, and bound one estimate at ~50–140 ms for the
 * worst inputs measured (100 repeated or random digits); typical passwords take 1–3 ms.
 */
const ESTIMATED_PREFIX_CODE_POINTS = 100;
/**
 * zxcvbn tries up to 100 letter-substitution variants by default, which made those worst inputs
 * take 150–230 ms; 10 roughly thirds that and still recognises 'P@55w0rd'-style passwords.
 */
const L33T_MAX_SUBSTITUTIONS = 10;
/**
 * Local parts shorter than this ('al', 'ops', 'j') occur in too many good passwords to refuse
 * them: 'ops' is in "stops", "tops", "drops". zxcvbn still counts them as cheap guesses.
 */
const MIN_EMAIL_LOCAL_PART_CODE_POINTS = 4;

/** Why a password was refused; stable codes for routes and tests to switch on. */
export type PasswordRefusal =
  | 'too_short'
  | 'too_long'
  | 'breached'
  | 'contains_email'
  | 'contains_banned_word'
  | 'too_guessable';

/** The verdict on a new password. `message` is one sentence for the user and never contains the password. */
export type PasswordVerdict =
  | { ok: true; score: number }
  | { ok: false; reason: PasswordRefusal; message: string; score?: number };

/** What a check needs besides the password. */
export interface PasswordContext {
  /** The account's email, so a password built from it can be refused. */
  email?: string | undefined;
  /** Configured minimum length in code points; values under the floor are raised to it. */
  minLength: number;
  breached: BreachedPasswordList;
  /** Context-specific words (product, deployment, operator's list) no password may contain. */
  bannedWords?: readonly BannedWord[] | undefined;
}

let estimator: ZxcvbnFactory | undefined;

/** Built on first use (~80 ms, ~3.4 MiB of ranked dictionaries), then shared. */
function getEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary,
    graphs: adjacencyGraphs,
    maxLength: ESTIMATED_PREFIX_CODE_POINTS,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
  });
  return estimator;
}

/** Lowercased NFKC local part and domain labels, in the same form as the password they are compared with. */
function splitEmail(email: string | undefined): { localPart: string; domainLabels: string[] } | null {
  const normalized = normalizePassword(email ?? '').toLowerCase();
  const at = normalized.lastIndexOf('@');
  if (at <= 0) return null;
  return { localPart: normalized.slice(0, at), domainLabels: normalized.slice(at + 1).split('.') };
}

const refuse = (reason: PasswordRefusal, message: string): PasswordVerdict => ({ ok: false, reason, message });

/**
 * Checks a new password against NIST SP 800-63B §5.1.1.2, in this order: length in code points
 * after NFKC, the breached-password list, the account's email, the context-specific banned words
 * (ASVS V6.1.2), then a zxcvbn strength estimate.
 * There are no composition rules (no "must contain a digit"): NIST advises against them.
 *
 * @example
 * const verdict = checkPassword(body.password, { email, minLength: 12, breached: await getBreachedPasswords() });
 * // When !verdict.ok: switch on verdict.reason, show verdict.message beside the field.
 */
export function checkPassword(password: string, context: PasswordContext): PasswordVerdict {
  const normalized = normalizePassword(password);
  const minLength = Math.max(context.minLength, MIN_PASSWORD_LENGTH_FLOOR);
  // UTF-16 length is at least the code point count and at most twice it, so a string over
  // twice the cap is refused without splitting it into code points.
  const codePoints = normalized.length > 2 * MAX_PASSWORD_LENGTH ? [] : Array.from(normalized);
  if (normalized.length > 2 * MAX_PASSWORD_LENGTH || codePoints.length > MAX_PASSWORD_LENGTH) {
    return refuse('too_long', `Use a password of at most ${MAX_PASSWORD_LENGTH} characters.`);
  }
  if (codePoints.length < minLength) {
    return refuse('too_short', `Use a password of at least ${minLength} characters.`);
  }
  if (context.breached.has(normalized)) {
    return refuse('breached', 'This password appears in lists of breached passwords; choose another one.');
  }
  const email = splitEmail(context.email);
  const localPart = email?.localPart ?? '';
  if (
    Array.from(localPart).length >= MIN_EMAIL_LOCAL_PART_CODE_POINTS &&
    normalized.toLowerCase().includes(localPart)
  ) {
    return refuse(
      'contains_email',
      `This password contains "${localPart}", the part of your email address before the @; choose one that does not.`,
    );
  }
  const banned = findBannedWord(normalized, context.bannedWords ?? []);
  if (banned !== null) {
    return refuse(
      'contains_banned_word',
      `This password contains "${banned}", a name tied to this service that attackers try first; choose one that does not.`,
    );
  }
  // Account details are known to an attacker, so zxcvbn counts them as cheap guesses.
  const userInputs = email ? [email.localPart, ...email.domainLabels] : [];
  const prefix = codePoints.slice(0, ESTIMATED_PREFIX_CODE_POINTS).join('');
  const { score, feedback } = getEstimator().check(prefix, userInputs);
  if (score < MIN_STRENGTH_SCORE) {
    return { ok: false, reason: 'too_guessable', message: describeWeakPassword(feedback), score };
  }
  return { ok: true, score };
}
