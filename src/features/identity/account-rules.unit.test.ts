import { describe, expect, it } from 'vitest';
import type { UsersTable } from '../../db/index.js';
import {
  emailChangeOf,
  judgeCredentials,
  newUserRow,
  normaliseEmail,
  oneTimeTokenRow,
  weakPasswordError,
} from './account-rules.js';

const user = newUserRow({ id: 'u1', email: 'ada@example.com', role: 'user', verified: true }, '$argon2id$hash', 5);

describe('normaliseEmail', () => {
  it('drops surrounding space and lower-cases, and leaves the inside alone', () => {
    expect(normaliseEmail('  Ada.Lovelace+x@Example.COM \n')).toBe('ada.lovelace+x@example.com');
  });
});

describe('judgeCredentials', () => {
  it('accepts the right password of an enabled account', () => {
    expect(judgeCredentials(user, true)).toEqual({ ok: true, user });
  });

  it('names an unknown email first, whatever the password check said', () => {
    expect(judgeCredentials(undefined, true)).toEqual({ ok: false, reason: 'unknown_email' });
    expect(judgeCredentials(undefined, false)).toEqual({ ok: false, reason: 'unknown_email' });
  });

  it('says "disabled" only to one who knew the password; a wrong one is just a bad password', () => {
    const disabled: UsersTable = { ...user, disabled: 1 };
    expect(judgeCredentials(disabled, false)).toEqual({ ok: false, reason: 'bad_password' });
    expect(judgeCredentials(disabled, true)).toEqual({ ok: false, reason: 'disabled' });
  });
});

describe('weakPasswordError', () => {
  it('points at the field the password came in, with the policy’s reason and message', () => {
    const error = weakPasswordError({ reason: 'too_short', message: 'Use at least 12 characters.' }, 'newPassword');
    expect(error).toMatchObject({
      code: 'AUTH_WEAK_PASSWORD',
      detail: 'Use at least 12 characters.',
      fields: [{ field: 'newPassword', code: 'too_short', message: 'Use at least 12 characters.' }],
    });
  });
});

describe('newUserRow', () => {
  it('normalises the email, keeps the hash, and starts enabled without a second factor', () => {
    expect(
      newUserRow({ id: 'u2', email: ' Bob@Example.com', name: 'Bob', role: 'admin', verified: false }, 'h', 7),
    ).toEqual({
      id: 'u2',
      email: 'bob@example.com',
      name: 'Bob',
      password_hash: 'h',
      role: 'admin',
      verified: 0,
      disabled: 0,
      created_ms: 7,
      updated_ms: 7,
      mfa_enrolled_ms: null,
    });
    expect(user.name).toBeNull();
    expect(user.verified).toBe(1);
  });
});

describe('oneTimeTokenRow', () => {
  it('stores the hash, unused, expiring ttl seconds from now', () => {
    expect(oneTimeTokenRow('hash', 'change-email', { userId: 'u1', payload: 'new@example.com' }, 1800, 1_000)).toEqual({
      token_hash: 'hash',
      purpose: 'change-email',
      user_id: 'u1',
      created_ms: 1_000,
      expires_ms: 1_000 + 1_800_000,
      used_ms: null,
      payload: 'new@example.com',
    });
  });
});

describe('emailChangeOf', () => {
  it('gives the user and the normalised new address', () => {
    expect(emailChangeOf({ user_id: 'u1', payload: ' New@Example.com' })).toEqual({
      userId: 'u1',
      email: 'new@example.com',
    });
  });

  it('refuses a token that carries no user or no address as spent', () => {
    expect(() => emailChangeOf({ user_id: null, payload: 'a@b.c' })).toThrow(
      expect.objectContaining({ code: 'AUTH_TOKEN_SPENT' }),
    );
    expect(() => emailChangeOf({ user_id: 'u1', payload: null })).toThrow(
      expect.objectContaining({ code: 'AUTH_TOKEN_SPENT' }),
    );
  });
});
