// The layering docs/architecture.md writes down, checked by `npm run check:layers` in .ci/run:
// lib, errors ← config, db, stores ← http ← features ← app ← cli ← main. Tests (`*.test.ts`, test/)
// may import anything, so every rule below looks only at production files under src/.
const TESTS = '(^test/|\\.test\\.ts$)';

/** A layer's files may not import any of `forbidden`'s folders. */
function layer(name, from, forbidden, why) {
  return {
    name,
    comment: why,
    severity: 'error',
    from: { path: from, pathNot: TESTS },
    to: { path: `^src/(${forbidden.join('|')})/` },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment:
        'A cycle makes two modules one unit that can be neither loaded nor tested apart. Type-only imports are erased ' +
        'by tsc, so a cycle with a type-only step binds nothing at run time and is not counted.',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    layer(
      'lib-and-errors-are-the-floor',
      '^src/(lib|errors)/',
      ['config', 'db', 'stores', 'http', 'features', 'app', 'cli', 'docs'],
      'lib/ and errors/ are the bottom layer: pure helpers everything may use, using nothing above them.',
    ),
    layer(
      'config-db-stores-below-http',
      '^src/(config|db|stores)/',
      ['http', 'features', 'app', 'cli', 'docs'],
      'Configuration, the database and the shared stores know nothing of requests or features.',
    ),
    layer(
      'http-imports-no-feature',
      '^src/http/',
      ['features', 'app', 'cli', 'docs'],
      'The HTTP pipeline is shared by every feature; app/ wires features to it (for example tls.reload to the audit log).',
    ),
    layer(
      'features-below-app',
      '^src/features/',
      ['app', 'cli', 'docs'],
      'A feature is assembled by app/; it never reaches up to the assembly or the commands.',
    ),
    layer('app-below-cli', '^src/app/', ['cli', 'docs'], 'app/ builds the server; the commands use it, not the reverse.'),
    {
      name: 'main-is-the-top',
      comment: 'src/main.ts is the bin entry; nothing imports it.',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'feature-through-its-index',
      comment:
        'Another feature is reached only through its index.ts, so a feature can change its inside without breaking others. ' +
        'A browser.ts is a second public face: the part the dashboard bundles, which must stay free of node:* and packages.',
      severity: 'error',
      from: { path: '^src/features/([^/]+)/', pathNot: TESTS },
      to: {
        path: '^src/features/([^/]+)/',
        pathNot: ['^src/features/$1/', '^src/features/[^/]+/(index|browser)\\.ts$'],
      },
    },
    {
      name: 'outside-features-through-index',
      comment: 'app/, cli/ and docs/ reach a feature only through its index.ts as well.',
      severity: 'error',
      from: { path: '^src/(app|cli|docs|main\\.ts)', pathNot: TESTS },
      to: { path: '^src/features/[^/]+/', pathNot: '^src/features/[^/]+/index\\.ts$' },
    },
    {
      name: 'production-imports-no-test-code',
      comment: 'Nothing the server runs may import a test file or test/ (fast-check and friends are dev dependencies).',
      severity: 'error',
      from: { path: '^src/', pathNot: TESTS },
      to: { path: TESTS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|test|scripts|bench|packages/client/(src|test))/',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
