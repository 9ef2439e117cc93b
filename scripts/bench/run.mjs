// `pnpm bench`: builds what the benches need, runs the `bench` script of every workspace package that has
// one (one at a time, so they do not load the machine for each other), keeps each one's output in
// .bench/<name>.log, then regenerates BENCHMARKS.md and the READMEs' figure blocks (report.mjs).
//   pnpm bench                 every package with a bench script
//   pnpm bench core cli        only these (short names); the others keep their last recorded figures
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { machine, RESULTS_DIR, ROOT } from './harness.mjs';

const only = process.argv.slice(2);

/** Workspace packages with a `bench` script, by short name. */
function benchable() {
  const found = [];
  for (const group of ['packages', 'examples']) {
    const dir = join(ROOT, group);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      const file = join(dir, entry, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.scripts?.bench)
        found.push({ name: pkg.name, short: pkg.name.replace(/^@[^/]+\//, ''), dir: join(dir, entry) });
    }
  }
  return found;
}

/** Runs a command with its output shown and, when `log` is given, saved. Resolves with its exit code. */
function run(command, args, { cwd = ROOT, log } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const file = log && createWriteStream(log);
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (d) => {
        (stream === child.stdout ? process.stdout : process.stderr).write(d);
        file?.write(d);
      });
    }
    child.on('error', reject);
    child.on('close', (code) => {
      file?.end();
      resolve(code);
    });
  });
}

const packages = benchable().filter((p) => !only.length || only.includes(p.short) || only.includes(p.name));
if (!packages.length) throw new Error(`no package with a bench script matches ${only.join(', ')}`);
mkdirSync(RESULTS_DIR, { recursive: true });

const filters = packages.flatMap((p) => ['--filter', `${p.name}...`]);
const built = await run('pnpm', ['exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only']);
if (built !== 0) process.exit(built);

const failed = [];
for (const p of packages) {
  console.log(`\n=== ${p.name} (pnpm bench in ${p.dir.slice(ROOT.length + 1)}) ===\n`);
  rmSync(join(RESULTS_DIR, `${p.short}.json`), { force: true });
  const started = new Date().toISOString();
  const log = join(RESULTS_DIR, `${p.short}.log`);
  const code = await run('pnpm', ['run', 'bench'], { cwd: p.dir, log });
  if (code !== 0) failed.push(p.name);
  // A bench that records no figures through the harness is still listed, by its output (report.mjs).
  const results = join(RESULTS_DIR, `${p.short}.json`);
  if (code === 0 && !existsSync(results)) {
    const figures = {
      package: p.name,
      date: started,
      ...machine(),
      loadAtEnd: machine().loadAverage,
      figures: [],
    };
    writeFileSync(results, `${JSON.stringify(figures, null, 2)}\n`);
  }
}

await run(process.execPath, [join(ROOT, 'scripts/bench/report.mjs')]);
if (failed.length) {
  console.error(`\nbench failed in ${failed.join(', ')}`);
  process.exit(1);
}
