import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { randomToken } from '../../../lib/crypto/random-token.js';
import { type BreachedPasswordList, getBreachedPasswords } from './breached-passwords.js';
import {
  checkPassword,
  DEFAULT_MIN_PASSWORD_LENGTH,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH_FLOOR,
  type PasswordContext,
  type PasswordVerdict,
} from './password-policy.js';

let breached: BreachedPasswordList;
beforeAll(async () => {
  breached = await getBreachedPasswords();
});

const check = (password: string, context: Partial<PasswordContext> = {}): PasswordVerdict =>
  checkPassword(password, { minLength: DEFAULT_MIN_PASSWORD_LENGTH, breached, ...context });

const reasonOf = (verdict: PasswordVerdict) => (verdict.ok ? 'ok' : verdict.reason);

describe('checkPassword', () => {
  it('keeps the NIST limits: floor 8, default 12, at least 64 accepted', () => {
    expect(MIN_PASSWORD_LENGTH_FLOOR).toBe(8);
    expect(DEFAULT_MIN_PASSWORD_LENGTH).toBe(12);
    expect(MAX_PASSWORD_LENGTH).toBeGreaterThanOrEqual(64);
  });

  it('accepts a random 20-character password', () => {
    expect(check(randomToken(15))).toEqual({ ok: true, score: 4 });
  });

  it('accepts a passphrase without digits, capitals or symbols (no composition rules)', () => {
    expect(check('lantern orbit velvet marsh').ok).toBe(true);
  });

  it('refuses 11 characters when the minimum is 12, and accepts 12', () => {
    const verdict = check('Vq7mK2xRp9w');
    expect(verdict).toMatchObject({ ok: false, reason: 'too_short' });
    expect(verdict.ok ? '' : verdict.message).toContain('12 characters');
    expect(check('Vq7mK2xRp9wL').ok).toBe(true);
  });

  it('never lets a configured minimum go below the floor of 8', () => {
    expect(reasonOf(check('Vq7mK2x', { minLength: 4 }))).toBe('too_short');
    expect(check('Vq7mK2xR', { minLength: 4 }).ok).toBe(true);
  });

  it('counts length in code points, not UTF-16 units', () => {
    // Six emoji are twelve UTF-16 units but six characters.
    expect(reasonOf(check('🦊🐙🦉🐢🦔🐝'))).toBe('too_short');
    expect(reasonOf(check('🦊🐙🦉🐢🦔🐝🦊🐙🦉🐢🦔🐝', { minLength: 12 }))).not.toBe('too_short');
  });

  it('accepts 64 and 256 characters and refuses 257', () => {
    expect(check(randomToken(48)).ok).toBe(true);
    const longest = randomToken(192);
    expect(longest).toHaveLength(MAX_PASSWORD_LENGTH);
    expect(check(longest).ok).toBe(true);
    expect(check(`${longest}x`)).toMatchObject({ ok: false, reason: 'too_long' });
    expect(reasonOf(check('🦊'.repeat(MAX_PASSWORD_LENGTH)))).not.toBe('too_long');
    expect(reasonOf(check('🦊'.repeat(MAX_PASSWORD_LENGTH + 1)))).toBe('too_long');
  });

  it.each(['password', 'password1', '123456789012', 'qwertyuiop123', 'iloveyou123', 'PASSWORD1'])(
    'refuses the breached password %s',
    (password) => {
      expect(check(password, { minLength: 8 })).toEqual({
        ok: false,
        reason: 'breached',
        message: 'This password appears in lists of breached passwords; choose another one.',
      });
    },
  );

  it('checks the NFKC form against the breached list (full-width letters)', () => {
    expect(reasonOf(check('ｐａｓｓｗｏｒｄ１２３', { minLength: 8 }))).toBe('breached');
  });

  it("refuses a password containing the email's local part, in any case, and names the part", () => {
    const verdict = check('xx-Alice.Smith-2024-yy', { email: 'alice.smith@example.com' });
    expect(verdict).toEqual({
      ok: false,
      reason: 'contains_email',
      message:
        'This password contains "alice.smith", the part of your email address before the @; choose one that does not.',
    });
    expect(reasonOf(check('xx-Alice.Smith-2024-yy'))).toBe('ok');
  });

  it('refuses a local part of 4 characters and names it', () => {
    const verdict = check('Vq7mK2-Dana-xRp9w', { email: 'dana@example.com' });
    expect(verdict).toMatchObject({ ok: false, reason: 'contains_email' });
    expect(verdict.ok ? '' : verdict.message).toContain('"dana"');
  });

  it.each([
    ['ops@example.com', 'the crops and stops of 42 horses'],
    ['al@example.com', 'Vq7mK2al-xRp9w'],
    ['j@example.com', 'Vq7mK2j-xRp9wL'],
  ])('ignores local parts shorter than 4 characters (%s)', (email, password) => {
    expect(reasonOf(check(password, { email }))).toBe('ok');
  });

  it.each([
    ['abcabcabcabcabc', 'repeated patterns'],
    ['0123456789012', 'sequences like'],
    ['monkeybanana', 'similar to a commonly used password'],
  ])('refuses the guessable %s and says why', (password, why) => {
    const verdict = check(password);
    expect(verdict).toMatchObject({ ok: false, reason: 'too_guessable' });
    if (verdict.ok) return;
    expect(verdict.score).toBeLessThan(2);
    expect(verdict.message).toContain(why);
    expect(verdict.message).toMatch(/^This password is too easy to guess .*; [a-z].*\.$/);
  });

  it.each([
    ['too_short', 'Zq9#kT'],
    ['too_long', 'Zq9#kT'.repeat(50)],
    ['breached', 'qwertyuiop123'],
    ['contains_email', 'xx-Alice.Smith-2024-yy'],
    ['too_guessable', 'qwertyqwertyqwerty'],
  ])('never echoes the password in a %s message', (reason, password) => {
    const verdict = check(password, { email: 'alice.smith@example.com' });
    expect(verdict).toMatchObject({ ok: false, reason });
    expect(verdict.ok ? '' : verdict.message.toLowerCase()).not.toContain(password.toLowerCase());
  });

  it('estimates only the first 100 characters, so a long input costs bounded time', () => {
    // zxcvbn's cost grows faster than linearly (measured: ~100 ms for 100 digits, 0.7–2.3 s for
    // 256): what bounds it is the length of what it is given, so that is what is asserted.
    const estimate = vi.spyOn(ZxcvbnFactory.prototype, 'check');
    try {
      check('1'.repeat(MAX_PASSWORD_LENGTH));
      check(`${'ab'.repeat(60)}😀${'x'.repeat(100)}`);
      const lengths = estimate.mock.calls.map(([password]) => [...password].length);
      expect(lengths).toEqual([100, 100]);
    } finally {
      estimate.mockRestore();
    }
  });
});
