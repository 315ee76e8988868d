import { appError } from '../errors/index.js';

/** Longest redirect target considered; longer ones are refused rather than parsed. */
const MAX_TARGET_LENGTH = 2048;

/**
 * Decides whether a redirect target (`next=` and the like) may be followed, and returns it as an
 * absolute URL. A target is allowed when it is a path on this server (`/account`) or when its
 * origin equals one on the allow-list exactly and its path starts with that entry's path prefix.
 *
 * Browsers are lenient in ways attackers use: `//evil.example` and `/\evil.example` are
 * protocol-relative, `https:evil.example` switches host, tabs and newlines are dropped inside
 * URLs. So anything with a backslash, a control or space character, or a scheme other than
 * http(s) is refused before parsing, and the decision is made on the parsed origin, never on
 * the raw text.
 */
export function resolveRedirect(target: string, ownOrigin: string, allowed: readonly string[]): string {
  const refuse = () => appError('HTTP_REDIRECT_NOT_ALLOWED', { detail: 'That redirect target is not allowed.' });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (target.length === 0 || target.length > MAX_TARGET_LENGTH || /[\\\s\u0000-\u001f\u007f]/.test(target)) {
    throw refuse();
  }
  const isPath = target.startsWith('/') && !target.startsWith('//');
  let url: URL;
  try {
    url = new URL(target, ownOrigin);
  } catch {
    throw refuse();
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse();
  if (url.username !== '' || url.password !== '') throw refuse();
  if (isPath && url.origin === new URL(ownOrigin).origin) return url.href;
  if (!isPath && /^[a-z][a-z0-9+.-]*:\/\//i.test(target) && matchesAllowList(url, allowed)) return url.href;
  throw refuse();
}

function matchesAllowList(url: URL, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const base = new URL(entry);
    if (base.origin !== url.origin) return false;
    // A prefix matches on a segment boundary: `/app` allows `/app` and `/app/x`, not `/apps`.
    const prefix = base.pathname;
    if (prefix === '/' || url.pathname === prefix) return true;
    return url.pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  });
}
