import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The dashboard bundles the rule check from the server's own source (`@bulwark/rule-check`,
 * packages/dashboard/vite.config.ts). A node:* module or a server package reachable from it would
 * be shimmed away by Vite and break the editor at run time, so every run-time import reachable
 * from a feature's browser.ts must be a relative file of src/. Type-only imports are erased.
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ENTRIES = ['src/features/collections/browser.ts', 'src/features/rules/browser.ts'];

/** Run-time import specifiers of one file (type-only imports and exports left out). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(ROOT + file, 'utf8'), ts.ScriptTarget.ES2022);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings : undefined;
      const typeOnly =
        clause?.isTypeOnly === true ||
        (clause !== undefined && !clause.name && named?.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      const named =
        statement.exportClause && ts.isNamedExports(statement.exportClause) ? statement.exportClause : undefined;
      const typeOnly = statement.isTypeOnly || named?.elements.every((e) => e.isTypeOnly);
      if (!typeOnly) found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return found;
}

/** Every file reachable at run time from `entry`, and every import that is not a file of src/. */
function walk(entry: string): { files: Set<string>; outside: string[] } {
  const files = new Set<string>();
  const outside: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (!specifier.startsWith('.')) {
        outside.push(`${file} imports ${specifier}`);
        continue;
      }
      const target = new URL(specifier.replace(/\.js$/, '.ts'), `file:///${file}`).pathname.slice(1);
      if (target.startsWith('src/')) queue.push(target);
      else outside.push(`${file} imports ${specifier}`);
    }
  }
  return { files, outside };
}

describe("the dashboard's share of the server's source", () => {
  for (const entry of ENTRIES) {
    it(`${entry} reaches no node:* module and no package at run time`, () => {
      const { files, outside } = walk(entry);
      expect(outside).toEqual([]);
      // The walk follows the parser and the checks, not just the entry.
      expect(files.has('src/features/rules/parser.ts')).toBe(true);
      expect(files.has('src/features/rules/check-compare.ts')).toBe(true);
    });
  }
});
