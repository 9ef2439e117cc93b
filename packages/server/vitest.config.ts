import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Several files start real servers, browsers and builds; on a 2-core machine one at a time is faster.
    fileParallelism: false,
  },
});
