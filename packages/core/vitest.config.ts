import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    typecheck: {
      // Type tests (`*.test-d.ts`) prove that misuse does not compile; run by `vitest --typecheck`.
      include: ['src/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
