import type { FrozenConfig } from '../../config/index.js';
import type { PasswordTools } from './account-service.js';
import { contextBannedWords } from './password/banned-words.js';
import { getBreachedPasswords } from './password/breached-passwords.js';
import { createPasswordHasher } from './password/password-hasher.js';
import { checkPassword } from './password/password-policy.js';

/**
 * The password policy for a new password under `config`: null when acceptable, else the reason
 * and the user's message. Every route applies it, and so does `bulwark admin create`, which
 * checks before it touches the data folder.
 */
export function createPasswordPolicyCheck(config: FrozenConfig): PasswordTools['check'] {
  const bannedWords = contextBannedWords({
    name: config.name,
    publicUrl: config.publicUrl,
    extraWords: config.auth.passwordBannedWords,
  });
  return async (password, email) => {
    const verdict = checkPassword(password, {
      email,
      minLength: config.auth.passwordMinLength,
      breached: await getBreachedPasswords(),
      bannedWords,
    });
    return verdict.ok ? null : { reason: verdict.reason, message: verdict.message };
  };
}

/** Hashing with the configured argon2 cost, and the policy, as the account service uses them. */
export function createPasswordTools(config: FrozenConfig): PasswordTools {
  const { memoryKib, iterations, parallelism } = config.auth.argon2;
  const hasher = createPasswordHasher({ memoryKiB: memoryKib, iterations, parallelism });
  return {
    hash: (password) => hasher.hash(password),
    verify: (hash, password) => hasher.verify(hash, password),
    check: createPasswordPolicyCheck(config),
  };
}

/** Starts loading the breached-password list so the first sign-up does not wait for it. */
export const warmUpPasswordPolicy = () => getBreachedPasswords().then(() => undefined);
