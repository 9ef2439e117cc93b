#!/usr/bin/env node
// `pnpm test`: every check CI runs, each to its end even when an earlier one failed (a failing lint must not
// hide what the tests or the pack test would have said), then a summary with each step's wall time; exit 1
// if any step failed. `pnpm test -- lint test:pack` runs only the steps named.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The steps, in order: a name and the pnpm arguments that run it. */
const STEPS = [
  ['check:generated', ['run', 'check:generated']],
  ['check:spec', ['run', 'check:spec']],
  ['check:bench', ['run', 'check:bench']],
  ['lint', ['run', 'lint']],
  // turbo's own `--continue` runs every package's tasks past a failure; its exit code reports them.
  [
    'typecheck, test, check:package (turbo)',
    ['exec', 'turbo', 'run', 'typecheck', 'test', 'check:package', '--continue', '--concurrency=3'],
  ],
  ['test:pack', ['run', 'test:pack']],
];

const only = process.argv.slice(2).filter((a) => a !== '--');
const steps = only.length === 0 ? STEPS : STEPS.filter(([name]) => only.some((o) => name.startsWith(o)));
if (steps.length === 0) {
  console.error(`test: no step named ${only.join(', ')} (steps: ${STEPS.map(([n]) => n).join(', ')})`);
  process.exit(2);
}

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(0)} s`;
const started = performance.now();
const results = [];
for (const [name, args] of steps) {
  console.log(`\n▶ ${name}`);
  const since = performance.now();
  const code = await new Promise((done) => {
    const child = spawn('pnpm', args, { cwd: root, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`pnpm ${args.join(' ')}: ${error.message}`);
      done(1);
    });
    child.on('exit', (exitCode) => done(exitCode ?? 1));
  });
  results.push({ name, ok: code === 0, time: seconds(since) });
}

console.log(`\npnpm test: ${seconds(started)} in all`);
for (const r of results) console.log(`  ${r.ok ? 'pass' : 'FAIL'}  ${r.name}  ${r.time}`);
const failed = results.filter((r) => !r.ok);
if (failed.length > 0) {
  console.error(`pnpm test: ${failed.map((r) => r.name).join(', ')} failed`);
  process.exit(1);
}
