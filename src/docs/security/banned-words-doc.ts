import { MIN_DERIVED_WORD_CODE_POINTS, PRODUCT_WORDS } from '../../features/identity/index.js';
import { code, header } from './markdown.js';

/** docs/security/banned-password-words.md: the context-specific words no password may contain. */
export function renderBannedWords(): string {
  return [
    ...header('Context-specific words banned in passwords', '`src/features/identity/password/banned-words.ts`'),
    'ASVS 5.0 V6.1.2: attackers guessing passwords for a service try its own names first. A new',
    'password (sign-up, password change, reset, first-administrator set-up and',
    '`bulwark admin create`) that contains one of these words is refused with 400',
    '`AUTH_WEAK_PASSWORD` and `errors[0].code` `contains_banned_word`, naming the word.',
    '',
    '## The words',
    '',
    `- The product name: ${PRODUCT_WORDS.map(code).join(', ')}.`,
    '- The deployment’s own name, config `name` (`BULWARK_NAME`): the name run together and each',
    `  of its words of ${MIN_DERIVED_WORD_CODE_POINTS} or more letters (\`Acme Shop\` bans \`acmeshop\`, \`acme\` and \`shop\`).`,
    '- The host of `publicUrl` (`BULWARK_PUBLIC_URL`) and each of its labels of',
    `  ${MIN_DERIVED_WORD_CODE_POINTS} or more letters except the top-level one (\`https://api.roadrunner.example\` bans`,
    '  `api.roadrunner.example` and `roadrunner`).',
    '- Every word in `auth.passwordBannedWords` (`BULWARK_AUTH_PASSWORD_BANNED_WORDS`, comma-separated),',
    '  as given: company, brand and product names, at least 3 characters each.',
    '',
    'Shorter words from the name and host (`api`, `www`, `my`) are left out: they occur in too many',
    'good passwords to refuse them.',
    '',
    '## How a password is compared',
    '',
    'The password and the words are NFKC-normalised and lower-cased, then common leetspeak is read',
    'back as letters: `4 @` → a, `8` → b, `3` → e, `6 9` → g, `!` → i, `1 |` → i or l (both',
    'readings are tried), `0` → o, `5 $` → s, `7 +` → t, `2` → z. A password is refused when any',
    'reading contains any word: `8ulw4rk`, `BULWARK` and `bu1wark` all contain `bulwark`.',
    '',
  ].join('\n');
}
