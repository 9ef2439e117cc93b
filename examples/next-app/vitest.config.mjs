import { defineConfig } from 'vitest/config';

// One file, its steps in order (one browser, one app): no parallel files on a loaded 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
