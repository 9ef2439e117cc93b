// Shared by the CLI benchmarks: where the built CLI is (timing a process and medians are the shared harness's).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `pnpm build` first');
