import { defineConfig } from 'vitest/config';

/**
 * Three projects, each with an npm script: `unit` (src/, in process, seconds), `e2e` (the built CLI,
 * tmux, hostile inputs: no emulator) and `emulators` (suites that start the local emulators).
 * dist/ is rebuilt from the sources first (test/global-setup.ts), so no test runs stale output.
 */
const EMULATOR_SUITES = [
  'test/integration/**/*.test.ts',
  'test/function/**/*.test.ts',
  'test/faults/**/*.test.ts',
  'test/security/bigquery-values.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Worker threads started by code under test (DuckDB's) run the sources too: test/helpers/ts-worker-hooks.mjs.
    execArgv: ['--import', './test/helpers/ts-worker-hooks.mjs'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
          // Ink draws only its last frame where CI is set; the shipped wizard (scripts/build-wizard.js)
          // is built with Ink told it is not in CI, as it only opens on a terminal. The same here.
          env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false' },
          // The unit files share each worker's loaded modules (no module keeps state between tests):
          // 69 files in ~24 s instead of ~34 s on 2 cores.
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: EMULATOR_SUITES },
      },
      { extends: true, test: { name: 'emulators', include: EMULATOR_SUITES } },
    ],
  },
});
