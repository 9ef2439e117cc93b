import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Real HTTP against the emulator on a loaded 2-core machine: generous, never a measure of speed.
    testTimeout: 60_000,
    typecheck: {
      // Type tests (`*.test-d.ts`) prove that misuse does not compile; run by `vitest --typecheck`.
      include: ['src/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
