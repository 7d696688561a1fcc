import { defineConfig } from 'vitest/config';

/**
 * Tests beside the code that run on a real (in-memory) PGlite: the spec helpers and the
 * example's projection and HTTP specs. They belong with the integration tests' time limits.
 */
const ON_A_DATABASE = [
  'src/testing/**/*.test.ts',
  'src/store/expected-version.test.ts',
  'examples/**/*.http.test.ts',
  'examples/**/read-model.test.ts',
];

export default defineConfig({
  // `import … from 'strata'` (the example does, as a user's app would) resolves to the sources
  // through the package's `strata-source` export condition: no build is needed to test. The
  // other two are Vite's defaults for server code, which a list of conditions replaces, less
  // `module`: that bundler condition points the AWS SDK at its dist-es build, whose extensionless
  // imports Node cannot load ("Cannot find module …/dist-es/…/NODE_REQUEST_CHECKSUM_…");
  // without it packages resolve as Node resolves them (`node`, then `import`).
  ssr: {
    resolve: { conditions: ['strata-source', 'node', 'development|production'] },
  },
  test: {
    pool: 'forks',
    // Most suites wait on PostgreSQL, PGlite start-up or child processes rather than compute:
    // three workers on a 2-core machine roughly halve the wall time (Vitest's default is one).
    // Shared by both projects: `npm test` runs them in one pool.
    maxWorkers: 3,
    projects: [
      {
        // Pure code beside its source and the example app's deciders: no database, no process.
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: ON_A_DATABASE,
          typecheck: {
            enabled: true,
            include: ['src/**/*.test-d.ts'],
            // Only the type tests and what they import: `npm run typecheck` checks the rest.
            tsconfig: './tsconfig.type-tests.json',
          },
          testTimeout: 10_000,
        },
      },
      {
        // Real PostgreSQL, PGlite, child processes and sockets: slow to start, given time.
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', ...ON_A_DATABASE],
          globalSetup: ['test/support/pglite-template.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
