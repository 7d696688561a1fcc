import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `import … from 'strata'` (the example does, as a user's app would) resolves to the sources
  // through the package's `strata-source` export condition: no build is needed to test. The
  // other three are Vite's defaults for server code, which a list of conditions replaces.
  ssr: {
    resolve: { conditions: ['strata-source', 'module', 'node', 'development|production'] },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most suites wait on PostgreSQL, PGlite start-up or child processes rather than compute:
    // three workers on a 2-core machine roughly halve the wall time (Vitest's default is one).
    maxWorkers: 3,
  },
});
