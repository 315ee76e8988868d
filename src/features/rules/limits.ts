/**
 * Limits of the rule and filter language. Rule text arrives from administrators (rules) and
 * from anyone who can list a collection (`filter=`, `sort=`), so every dimension of the work it
 * causes — lexing, parsing, compiling, and the database's own planning and execution — is
 * bounded here before any of it starts (OWASP ASVS V5: bound all input; CWE-400 resource
 * exhaustion). Violations are `RULE_*` 400s that name the position.
 */

/**
 * Longest rule or filter text, in characters. PocketBase rules in the wild stay under a few
 * hundred characters; 2 KiB leaves room for long rules while keeping a hostile query string
 * (URLs are typically capped near 8 KiB) from making the lexer and parser do real work.
 */
export const MAX_EXPRESSION_LENGTH = 2048;

/**
 * Deepest parenthesis nesting. The parser is recursive descent; 16 levels is far beyond what a
 * person writes and keeps recursion (ours and the database planner's) shallow, so "((((…" can
 * never exhaust a stack.
 */
export const MAX_DEPTH = 16;

/**
 * Most comparisons in one expression. Each comparison becomes a predicate the database must
 * plan and evaluate per row; 32 covers any sensible rule while bounding the query's size.
 */
export const MAX_TERMS = 32;

/**
 * Most `~` / `!~` comparisons in one expression. Each lowers the field's text and searches it
 * on every row the expression reaches, several times the cost of a plain comparison: at
 * 100,000 rows on SQLite (no statement timeout) 32 of them took 5.6 s a list (count and page;
 * bench/worst-filter.ts), and the worst expression these limits allow stays under 1 s.
 */
export const MAX_PATTERN_TERMS = 2;

/**
 * Most relation paths (`author.name`) in one expression, and most relation keys in one sort.
 * Each is a correlated subquery per row: 32 of them took 11.7 s a list at 100,000 rows on
 * SQLite (bench/worst-filter.ts), the costliest thing a filter could ask for.
 */
export const MAX_RELATION_PATHS = 1;

/**
 * Most relation hops in a field path (`author.name` is 1 hop, `author.team.name` would be 2).
 * Each hop is a correlated subquery per row; chained hops turn one filter into a multi-join query
 * an attacker controls. One is also all the collections' resolver follows, so a longer path is
 * refused here as too deep rather than later as unknown.
 */
export const MAX_RELATION_DEPTH = 1;

/**
 * Longest string literal, in characters. Values are bound parameters, so this is not about
 * injection: it bounds memory and LIKE work per row (a `~` operand is scanned against every row).
 */
export const MAX_STRING_LITERAL_LENGTH = 512;

/**
 * Longest `~` / `!~` operand from a request value (`title ~ @request.body.q`), in characters.
 * Literals are already capped at MAX_STRING_LITERAL_LENGTH; a body value is not, and each row's
 * substring search compares against it, so it is bounded too (about 16 KiB of UTF-8 at most).
 */
export const MAX_PATTERN_LENGTH = 4096;

/**
 * Most keys in a `sort=` parameter. Every key is an ORDER BY term the database sorts by; 8 is
 * more than any listing needs and keeps a sort from defeating every index at once.
 */
export const MAX_SORT_KEYS = 8;
