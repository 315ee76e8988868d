/**
 * The one normalisation every password goes through before it is measured, checked or hashed:
 * Unicode NFKC (NIST SP 800-63B §5.1.1.2). The same characters typed on different keyboards or
 * systems (full-width letters, composed and decomposed accents) then hash to the same value,
 * and length and breach checks see what is actually stored.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}
