import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The multi-process tests share one machine's two cores with the emulator and Redis: one file at a time.
    fileParallelism: false,
  },
});
