#!/usr/bin/env node
// The Node matrix: every workspace package's vitest suite (unit and integration tests), run again on the
// other supported Node majors, 22 and 24, after `pnpm test` has run everything on the machine's Node.
//
//   pnpm test:node                      # Node 22 and 24, every package and example with a test script
//   pnpm test:node 24                   # one major
//   pnpm test:node 22 -- @sora-kit/core # some packages only (names or directories)
//   pnpm test:node --concurrency=1      # one suite at a time (default: 2)
//
// Suites run two at a time: a suite spends half its time waiting (on emulated jobs, servers, a browser),
// and on a 2-core machine one at a time left the CPU idle half the time (46 % busy on average). One
// project never runs on two Nodes at once (an example's `next build`/`next dev` write into its directory).
// Each suite's output is printed whole when it ends, so the log reads as if they ran one by one. A
// `test:node` script that rebuilds a native addon (below) changes it under every suite running beside it,
// so when one does, the suites run one at a time.
//
// Each Node comes from the npm registry as the `node` package (`npx -y node@22`, which ships the
// binary; nothing else is downloaded) and is put first on PATH, so vitest, its workers and every process a
// test starts (`process.execPath`, `#!/usr/bin/env node` bins) run on it. pnpm's install, the lint, the
// typecheck, publint/attw, the pack test and the type tests (`--typecheck`) run once, on the machine's Node,
// in `pnpm test`: none of them depends on the runtime's version.
//
// A package chooses what runs here with an optional `test:node` script; without one, `vitest run` runs in
// its directory. A package whose tests load a native addon (built per Node ABI, e.g. better-sqlite3) can
//   - rebuild it for the Node on PATH: `"test:node": "pnpm rebuild better-sqlite3 && vitest run"`; this
//     script then rebuilds every addon once more for the machine's Node when the matrix ends;
//   - or leave those files out: `"test:node": "vitest run --exclude test/sqlite.test.ts"`;
//   - or opt out: `"test:node": "echo 'native addon: Node 20 only'"`.
// SORA_KIT_TEST_NODE is set to the major under test, for a test that must know.
//
// Every package runs even when one fails; the summary lists them all and the exit code is 1 if any failed.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUPPORTED_OTHER_MAJORS = ['22', '24'];

const args = process.argv.slice(2).filter((a) => a !== '--');
const concurrencyArg = args.find((a) => a.startsWith('--concurrency='));
const concurrency = Number(concurrencyArg?.slice('--concurrency='.length) ?? 2);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`test:node: --concurrency must be a whole number of at least 1, got ${concurrencyArg}`);
  process.exit(2);
}
const majors = args.filter((a) => /^\d+$/.test(a));
const only = args.filter((a) => !/^\d+$/.test(a) && !a.startsWith('--concurrency='));

/** Workspace projects with a test script: `{ name, dir, script }`, in a stable order. */
function projects() {
  const found = [];
  for (const group of ['packages', 'examples']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const file = join(root, group, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      const scripts = manifest.scripts ?? {};
      if (!scripts.test && !scripts['test:node']) continue;
      const dir = join(root, group, entry.name);
      const wanted =
        only.length === 0 || only.some((o) => o === manifest.name || resolve(o) === dir || o === entry.name);
      if (wanted)
        found.push({
          name: manifest.name,
          dir,
          script: scripts['test:node'] ? 'test:node' : null,
          rebuildsAddon: /\brebuild\b/.test(scripts['test:node'] ?? ''),
        });
    }
  }
  return found;
}

/** The path of the `node` binary of the newest `node@<major>` on the npm registry (npm's npx cache). */
async function nodeBinary(major) {
  const { stdout } = await promisify(execFile)(
    'npx',
    ['-y', `node@${major}`, '-p', 'process.execPath + "\\n" + process.version'],
    { cwd: root, env: { ...process.env, npm_config_loglevel: 'error' }, maxBuffer: 1 << 20 },
  );
  const [path, version] = stdout.trim().split('\n').slice(-2);
  if (!version?.startsWith(`v${major}.`) || !existsSync(path)) {
    throw new Error(`npx -y node@${major} gave ${JSON.stringify(stdout)}, not a Node ${major} binary`);
  }
  return { path, version };
}

/** The vitest entry the project itself depends on (its `vitest` bin runs the same file). */
const vitestOf = (dir) =>
  join(dirname(createRequire(join(dir, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');

/**
 * Runs `command`, its output (stdout and stderr, interleaved as they come) kept and handed back when it
 * exits, with the exit code (a signal counts as 1).
 */
function runCollected(command, commandArgs, options) {
  return new Promise((resolveRun) => {
    const chunks = [];
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', (error) => {
      chunks.push(Buffer.from(`${command}: ${error.message}\n`));
      resolveRun({ code: 1, output: Buffer.concat(chunks).toString() });
    });
    child.on('close', (code) => resolveRun({ code: code ?? 1, output: Buffer.concat(chunks).toString() }));
  });
}

/** Runs `command` with inherited output; resolves to its exit code (a signal counts as 1). */
function runStreaming(command, commandArgs, options) {
  return new Promise((resolveCode) => {
    const child = spawn(command, commandArgs, { stdio: 'inherit', ...options });
    child.on('error', (error) => {
      console.error(`${command}: ${error.message}`);
      resolveCode(1);
    });
    child.on('exit', (code) => resolveCode(code ?? 1));
  });
}

const list = projects();
if (list.length === 0) {
  console.error(`test:node: no workspace package matches ${only.join(', ')}`);
  process.exit(2);
}
const wantedMajors = majors.length > 0 ? majors : SUPPORTED_OTHER_MAJORS;
const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(0)} s`;

// The tests use the built packages (dist/): a turbo cache hit right after `pnpm test`.
const built = await runStreaming('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
  cwd: root,
});
if (built !== 0) process.exit(built);

// A rebuilt addon would change under the suites running beside it (see above).
const rebuilds = list.filter((p) => p.rebuildsAddon);
const poolSize = rebuilds.length > 0 ? 1 : concurrency;
if (poolSize < concurrency)
  console.log(
    `test:node: one suite at a time, since ${rebuilds.map((p) => p.name).join(', ')} rebuild(s) an addon`,
  );

const results = [];
/** Every (Node, project) suite to run, in order: each Node's projects in turn. */
const jobs = [];
for (const major of wantedMajors) {
  let node;
  try {
    node = await nodeBinary(major);
  } catch (error) {
    results.push({ major, name: `node@${major} from the npm registry`, ok: false, time: '-' });
    console.error(`test:node: ${error.message}`);
    continue;
  }
  // PATH leads with the directory of that binary (it holds only `node`); pnpm's own store and bins stay.
  const env = {
    ...process.env,
    PATH: `${dirname(node.path)}${delimiter}${process.env.PATH}`,
    SORA_KIT_TEST_NODE: major,
  };
  // Whatever a test starts as `node` (a bin's `#!/usr/bin/env node`) must be this Node too.
  const { stdout: onPath } = await promisify(execFile)('node', ['-p', 'process.version'], { env });
  if (onPath.trim() !== node.version)
    throw new Error(`node on PATH is ${onPath.trim()}, not ${node.version}`);
  for (const project of list) jobs.push({ node, env, project });
}

const busy = new Set(); // project directories with a suite running
/** Each suite's result, in the order of `jobs` (each Node's projects in turn), whatever order they end in. */
const jobResults = [];
async function runJob({ node, env, project }, index) {
  const at = relative(root, project.dir);
  const title = `Node ${node.version}: ${project.name} (${at}, ${project.script ?? 'vitest run'})`;
  console.log(`▷ started ${title}`);
  const since = performance.now();
  const { code, output } = project.script
    ? await runCollected('pnpm', ['run', project.script], { cwd: project.dir, env })
    : await runCollected(node.path, [vitestOf(project.dir), 'run'], { cwd: project.dir, env });
  process.stdout.write(`\n▶ ${title}: ${code === 0 ? 'passed' : 'FAILED'} in ${seconds(since)}\n${output}`);
  jobResults[index] = { major: node.version, name: project.name, ok: code === 0, time: seconds(since) };
}
// A pool of `poolSize` runners; each takes the first waiting suite whose project is not running.
const waiting = jobs.map((job, index) => ({ job, index }));
await new Promise((allDone) => {
  const next = () => {
    if (waiting.length === 0 && busy.size === 0) return allDone();
    while (busy.size < poolSize) {
      const at = waiting.findIndex(({ job }) => !busy.has(job.project.dir));
      if (at < 0) return;
      const [{ job, index }] = waiting.splice(at, 1);
      busy.add(job.project.dir);
      runJob(job, index).finally(() => {
        busy.delete(job.project.dir);
        next();
      });
    }
  };
  next();
});
results.push(...jobResults);

// A package's test:node may have rebuilt a native addon for another ABI: rebuild for this Node again.
if (list.some((p) => p.script)) {
  const code = await runStreaming('pnpm', ['rebuild'], { cwd: root });
  results.push({
    major: process.version,
    name: 'pnpm rebuild (native addons back to this Node)',
    ok: code === 0,
    time: '-',
  });
}

console.log(`\nNode matrix (${seconds(started)} in all):`);
for (const r of results) console.log(`  ${r.ok ? 'pass' : 'FAIL'}  ${r.major}  ${r.name}  ${r.time}`);
const failed = results.filter((r) => !r.ok);
if (failed.length > 0) {
  console.error(`test:node: ${failed.length} of ${results.length} failed`);
  process.exit(1);
}
