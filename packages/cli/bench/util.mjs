// Shared by the CLI benchmarks: run a process and time it, medians, and peak memory via /usr/bin/time.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `pnpm build` first');

const TIME = '/usr/bin/time';
export const hasTime = existsSync(TIME);

/**
 * Runs `command args` to the end; answers its wall time (ms), exit code and, when GNU time is there,
 * its peak resident memory (MB). Output is discarded unless `capture`.
 */
export function run(command, args, { env, cwd, capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const argv = hasTime ? ['-f', '%M', command, ...args] : args;
    const started = performance.now();
    const child = spawn(hasTime ? TIME : command, argv, {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['ignore', capture ? 'pipe' : 'ignore', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      // GNU time prints the peak RSS (KB) as the last line of stderr.
      const lines = stderr.trimEnd().split('\n');
      const rssKB = hasTime ? Number(lines.pop()) : Number.NaN;
      resolve({ ms, code, maxRssMB: rssKB / 1024, stdout, stderr: lines.join('\n') });
    });
  });
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
