/**
 * Values that would change a filter's meaning if they were pasted into its text: quotes of
 * both kinds, backslashes that would escape the closing quote, operators, parentheses, line
 * breaks, rule-language names and LIKE wildcards.
 */
export const HOSTILE = [
  '"',
  "'",
  '\\',
  '\\"',
  '" || owner != "',
  "' || '' = '",
  '\\" || true || title = \\"',
  'a"b\'c\\d',
  'line\nbreak\r\ttab',
  ') || (1 = 1',
  '@request.auth.id',
  '%_*',
  '🙂 ünïcödé',
  '',
];
