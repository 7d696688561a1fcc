import { defineConfig } from 'vitest/config';

export default defineConfig({
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
