// What `npx @sora-kit/cli` costs a user: the CLI's tarball and the two it depends on (core, emulator), packed
// as they would be published (`pnpm pack`), installed with npm into an empty project; then its size on disk
// (`du`), whether any installed package has an install script, and how long `npx sora-kit --help` takes the
// first time after the install (cold) and then (warm, median), with `node <bin> --help` beside it for
// what npx itself adds. The same with @sora-kit/queue added (what the queue commands need) as a note.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { median, ROOT, runProcess } from '../../../scripts/bench/harness.mjs';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 7);
/** No SORA_* or npm_* variable of the caller reaches npm or the CLI. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SORA_|npm_|PNPM_)/i.test(k)));

async function pack(dir, into) {
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', into], {
    cwd: join(ROOT, 'packages', dir),
    env,
  });
  return stdout.trim().split('\n').at(-1);
}

/** Kilobytes `du` reports: on disk (blocks) and apparent (the files' bytes). */
async function du(path) {
  const disk = Number((await run('du', ['-sk', path])).stdout.split('\t')[0]);
  const apparent = Number((await run('du', ['-sk', '--apparent-size', path])).stdout.split('\t')[0]);
  return { diskMB: (disk * 1024) / 1e6, apparentMB: (apparent * 1024) / 1e6 };
}

/** Every installed package (by its package.json) and those with an install hook. */
async function packages(modules) {
  const found = [];
  for (const entry of await readdir(modules, { recursive: true, withFileTypes: true })) {
    if (entry.name !== 'package.json') continue;
    const dir = entry.parentPath ?? entry.path;
    const rel = dir.slice(modules.length + 1).split('/');
    // A package's own folder: node_modules/<name> or node_modules/@scope/<name> (nested ones too).
    const last = rel.lastIndexOf('node_modules');
    const tail = rel.slice(last + 1);
    if (!(tail.length === 1 || (tail.length === 2 && tail[0].startsWith('@')))) continue;
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    const hooks = ['preinstall', 'install', 'postinstall'].filter((hook) => manifest.scripts?.[hook]);
    found.push({ name: manifest.name, hooks });
  }
  return { count: found.length, withScripts: found.filter((p) => p.hooks.length > 0).map((p) => p.name) };
}

async function install(work, name, tarballs) {
  const project = join(work, name);
  await mkdir(project, { recursive: true });
  const dependencies = Object.fromEntries(tarballs.map(([pkg, file]) => [pkg, `file:${file}`]));
  const overrides = Object.fromEntries(tarballs.map(([pkg]) => [pkg, `$${pkg}`]));
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name, private: true, dependencies, overrides }),
  );
  const started = performance.now();
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: project,
    env,
  });
  const installMs = performance.now() - started;
  const modules = join(project, 'node_modules');
  return { project, installMs, ...(await du(modules)), ...(await packages(modules)) };
}

export async function benchInstall() {
  const work = await mkdtemp(join(tmpdir(), 'sora-kit-install-bench-'));
  try {
    const packs = join(work, 'packs');
    await mkdir(packs);
    const cli = [
      ['@sora-kit/cli', await pack('cli', packs)],
      ['@sora-kit/core', await pack('core', packs)],
      ['@sora-kit/emulator', await pack('emulator', packs)],
    ];
    const lean = await install(work, 'cli-alone', cli);
    const npx = (project) => runProcess('npx', ['--no', 'sora-kit', '--help'], { cwd: project, env });
    const cold = await npx(lean.project);
    if (cold.code !== 0) throw new Error(`npx sora-kit --help exited ${cold.code}: ${cold.stderr}`);
    const warm = [];
    const bare = [];
    const bin = join(lean.project, 'node_modules', '@sora-kit', 'cli', 'bin', 'sora-kit.js');
    for (let i = 0; i < ROUNDS; i++) {
      warm.push((await npx(lean.project)).ms);
      bare.push((await runProcess(process.execPath, [bin, '--help'], { env })).ms);
    }
    const withQueue = await install(work, 'cli-and-queue', [
      ...cli,
      ['@sora-kit/queue', await pack('queue', packs)],
    ]);
    return {
      lean,
      withQueue,
      coldMs: cold.ms,
      warmMs: median(warm),
      bareMs: median(bare),
      rounds: ROUNDS,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
