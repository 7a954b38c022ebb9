import { defineConfig } from 'vitest/config';

// One runner for every suite. `source` resolves @cercle/shared to its TypeScript sources,
// so tests never depend on a stale build of the shared package.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The engine's card map compares as the plain record it stands for (toEqual on rooms).
    setupFiles: ['test/support/cardMapEquality.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
