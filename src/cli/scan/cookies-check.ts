import { report, type ScanContext } from './scan-context.js';

/** Names that usually carry a session or credential: those must be out of reach of scripts. */
const SESSION_LIKE_NAME = /sess|sid|auth|token|jwt|login|remember|identity|connect\.sid/i;

interface ParsedCookie {
  name: string;
  attributes: Set<string>;
  sameSite: string | undefined;
}

/** The name and attribute names of one Set-Cookie header (values are never reported). */
export function parseSetCookie(header: string): ParsedCookie {
  const [pair = '', ...parts] = header.split(';');
  const attributes = new Set<string>();
  let sameSite: string | undefined;
  for (const part of parts) {
    const [key = '', value = ''] = part.split('=');
    const name = key.trim().toLowerCase();
    attributes.add(name);
    if (name === 'samesite') sameSite = value.trim().toLowerCase();
  }
  return { name: pair.split('=')[0]?.trim() ?? '', attributes, sameSite };
}

/** Flags of every cookie the target set during the scan, each cookie judged once. */
export function checkCookies(context: ScanContext): void {
  const seen = new Set<string>();
  for (const { url, header } of context.client.cookies) {
    const cookie = parseSetCookie(header);
    if (seen.has(cookie.name)) continue;
    seen.add(cookie.name);
    const label = `Set-Cookie ${cookie.name}`;
    const isSecure = cookie.attributes.has('secure');
    if (context.client.isHttps && !isSecure) report(context, 'cookie-secure-missing', url, `${label} without Secure`);
    if (SESSION_LIKE_NAME.test(cookie.name) && !cookie.attributes.has('httponly')) {
      report(context, 'cookie-httponly-missing', url, `${label} without HttpOnly`);
    }
    if (!cookie.sameSite) report(context, 'cookie-samesite-missing', url, `${label} without SameSite`);
    else if (cookie.sameSite === 'none' && !isSecure) {
      // Browsers drop SameSite=None without Secure; the site then works only by accident.
      report(context, 'cookie-samesite-missing', url, `${label} with SameSite=None but without Secure`);
    }
  }
}
