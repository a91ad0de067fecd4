import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure code, no services) and `integration` (real PostgreSQL, Redis and a
// Temporal dev server started once by the global setup, one file at a time). `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.int.test.ts', 'node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.int.test.ts'],
          // One file at a time: each file runs a whole OMS (worker, API, simulators, often child processes) beside
          // the shared Temporal dev server and PostgreSQL, and on a 2-core machine two such files at once starve
          // each other's workflow tasks into timeouts without finishing any sooner.
          fileParallelism: false,
          // A failed test runs once more before it counts: on a shared 2-core CI machine a whole-stack test can
          // miss a deadline for reasons outside the code (a stalled core, a slow fsync). A real defect fails twice,
          // and the first failure is still printed.
          retry: 1,
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
