import { RE2JS } from 're2js';

/**
 * Field `pattern`s run on RE2 (re2js, a pure-JavaScript port): an automaton, not a backtracker,
 * so a client value costs time linear in its length whatever the pattern (ReDoS, CWE-1333).
 * JavaScript's own engine backtracks: `^(a|a)*$` against 30 characters blocked the event loop
 * for seconds, and no "safe pattern" heuristic catches every such shape. The syntax is RE2's
 * (as in Go): no lookaround and no backreferences, which an automaton cannot run.
 *
 * Linear is not free: the work per character grows with the compiled program (measured on
 * re2js 2.10, up to ~20–35 ns per character per instruction when every state stays alive), so
 * a definition's patterns are also bounded by program size times the longest value they see.
 */

/**
 * Most pattern work one record may cost, in RE2 instructions times characters, summed over
 * the collection's patterned fields: ≈100–150 ms of matching per record at the measured worst.
 * The default text length (10,000) leaves 400 instructions; `^[A-Z]{3}-[0-9]{3}$` needs 11.
 */
export const MAX_PATTERN_WORK = 4_000_000;

export type CompiledPattern = { ok: true; instructions: number } | { ok: false; reason: string };

/** Compiles a pattern the way values are matched, to refuse at definition time what RE2 cannot run. */
export function compilePattern(pattern: string): CompiledPattern {
  try {
    return { ok: true, instructions: instructionCount(cachedProgram(pattern)) };
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : 'invalid pattern';
    return { ok: false, reason: message };
  }
}

/**
 * True when `value` contains a match (as `RegExp.prototype.test`; anchor with `^…$` for the
 * whole value). A stored pattern RE2 cannot compile (defined before RE2 was used) matches
 * nothing: the field then refuses values until an administrator redefines it.
 */
export function matchesPattern(pattern: string, value: string): boolean {
  let program: RE2JS;
  try {
    program = cachedProgram(pattern);
  } catch {
    return false;
  }
  return program.test(value);
}

/** Compiled programs by pattern; definitions are few, and the cap keeps a churn of them bounded. */
const PROGRAMS = new Map<string, RE2JS>();
const MAX_CACHED_PROGRAMS = 512;

function cachedProgram(pattern: string): RE2JS {
  const cached = PROGRAMS.get(pattern);
  if (cached) return cached;
  const program = RE2JS.compile(pattern);
  if (PROGRAMS.size >= MAX_CACHED_PROGRAMS) PROGRAMS.clear();
  PROGRAMS.set(pattern, program);
  return program;
}

function instructionCount(program: RE2JS): number {
  const prog = program.re2().prog as { numInst?: () => number; inst?: unknown[] };
  return prog.numInst?.() ?? prog.inst?.length ?? 0;
}
