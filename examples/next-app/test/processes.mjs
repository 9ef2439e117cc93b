// The real processes the test drives: the emulator CLI, `next build` and `next start` of this app.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const appDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const nextBin = require.resolve('next/dist/bin/next');
const emulatorBin = join(dirname(require.resolve('@sora-kit/emulator/package.json')), 'dist', 'bin.js');

/**
 * What every Next process gets: no telemetry, nothing of the caller's Sora settings, and no NODE_ENV (vitest
 * sets `test`; Next sets its own: `production` for build and start, `development` for dev).
 */
export function nextEnv(extra) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...extra };
  for (const name of ['SORA_API_KEY', 'SORA_BASE_URL', 'SORA_WEBHOOK_SECRET', 'SORA_EMULATOR_JOB_SECONDS']) {
    if (!(name in extra)) delete env[name];
  }
  delete env.NODE_ENV;
  return env;
}

/**
 * `next build`, unless a build is there: `pnpm test` runs turbo's cached `build` task first, so this is only
 * for a bare `vitest run` on a fresh clone.
 */
export async function ensureBuilt() {
  if (existsSync(join(appDir, '.next', 'BUILD_ID'))) return;
  await promisify(execFile)(process.execPath, [nextBin, 'build'], {
    cwd: appDir,
    env: nextEnv({}),
    maxBuffer: 64 * 1024 * 1024,
  });
}

export const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** Spawns a process and resolves once a line of its stdout matches `ready` (its output is kept). */
function startProcess(args, options, ready, what) {
  const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => {
    output.stdout += d;
  });
  child.stderr.on('data', (d) => {
    output.stderr += d;
  });
  const started = new Promise((resolve, reject) => {
    const check = () => {
      const match = ready.exec(output.stdout);
      if (match) resolve(match);
    };
    child.stdout.on('data', check);
    child.once('exit', (code) =>
      reject(new Error(`${what} exited (${code}) before it was ready:\n${output.stdout}\n${output.stderr}`)),
    );
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, output, started, stop };
}

/** The emulator CLI in a process of its own, so the test reads its request log (`/_emulator/requests`). */
export async function startEmulatorProcess(flags) {
  const proc = startProcess(
    [emulatorBin, '--port', '0', '--quiet', ...flags],
    {},
    /sora-emulator listening on (http:\/\/\S+)/,
    'the emulator',
  );
  const [, url] = await proc.started;
  return { ...proc, url };
}

/** `next start` of the built app (or `next dev` with `command: 'dev'`) on `port`. */
export async function startNext(port, env, command = 'start') {
  const proc = startProcess(
    [nextBin, command, '-p', String(port), '-H', '127.0.0.1'],
    { cwd: appDir, env: nextEnv(env) },
    /Ready in/,
    `next ${command}`,
  );
  await proc.started;
  return { ...proc, url: `http://127.0.0.1:${port}` };
}
