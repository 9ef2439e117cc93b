import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit tests beside the code; end-to-end tests of the built CLI (a real process) in test/.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each test file spawns CLI processes and runs an emulator: two files at a time suit two cores.
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
  },
});
