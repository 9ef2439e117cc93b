/**
 * Runs the BUILT CLI (`dist/cli.js`) as a real child process against a real emulator on 127.0.0.1.
 * Every run is checked for the API key: the key is a unique marker, and no byte of stdout or stderr of
 * any run may contain it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` in packages/cli first`);

/** The API key of every test: a marker that must never appear in any output. */
export const KEY = `sk-test-${randomUUID()}-NEVER-PRINT-ME`;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Extra environment (merged over a clean one: no SORA_*, NO_COLOR, FORCE_COLOR from the outer shell). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Text for stdin (closed after). */
  input?: string;
  /** Kill after this long (ms). Default 60 s. */
  timeoutMs?: number;
  /** A command that runs node for us, e.g. `['setpriv', '--reuid=65534', …, '--']` to run as another user. */
  prefix?: string[];
  /** Options for node itself, before the CLI (e.g. `--import` of a probe). */
  nodeOptions?: string[];
}

/**
 * The state folder of every run (`XDG_STATE_HOME`): where a running `sora-kit emulator` is recorded for
 * `--emulator`. Each test file has its own, so that no emulator of another test (or of the user) is found.
 */
export const STATE_HOME = mkdtempSync(join(tmpdir(), 'sora-kit-state-'));

/** What to release after the file's tests (emulators, temporary folders). */
const cleanups: (() => Promise<unknown>)[] = [];

/** Every output of every run, checked again for the key when the file's tests end. */
const allOutputs: string[] = [];

function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(SORA_|NO_COLOR$|FORCE_COLOR$)/.test(name)) env[name] = value;
  }
  env.XDG_STATE_HOME = STATE_HOME;
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** A running CLI process, with its output so far. */
export interface CliProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when stdout+stderr match `pattern` (rejects after `timeoutMs` or when the process ends first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has ended (and checks the outputs for the key). */
  done: Promise<RunResult>;
}

export function spawnCli(args: string[], options: RunOptions = {}): CliProcess {
  const [command, ...prefixArgs] = [...(options.prefix ?? []), process.execPath];
  const child = spawn(command!, [...prefixArgs, ...(options.nodeOptions ?? []), CLI, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  else child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const listener of listeners) listener();
      allOutputs.push(stdout, stderr);
      expect(stdout, 'the API key leaked on stdout').not.toContain(KEY);
      expect(stderr, 'the API key leaked on stderr').not.toContain(KEY);
      resolve({ code, signal, stdout, stderr });
    });
  });
  let ended = false;
  void done.then(() => {
    ended = true;
  });
  // A test that failed half-way must not leave a process behind (an emulator would outlive the file).
  cleanups.push(async () => {
    if (ended) return;
    child.kill('SIGINT');
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (!ended) child.kill('SIGKILL');
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (stdout + stderr).match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          } else if (ended || child.exitCode !== null) {
            cleanup();
            reject(new Error(`process ended before ${pattern}:\n${stdout}\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}:\n${stdout}\n${stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    done,
  };
}

/** Runs the CLI to the end. */
export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return spawnCli(args, options).done;
}

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  await rm(STATE_HOME, { recursive: true, force: true });
});

/** An emulator on 127.0.0.1 that accepts only {@link KEY}; closed after the file's tests. */
export async function testEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    jobSeconds: 0.5,
    apiKey: KEY,
    quiet: true,
    ...options,
  });
  cleanups.push(() => emulator.close());
  return emulator;
}

/** The environment that points the CLI at `emulator` with the test key. */
export function envFor(emulator: RunningEmulator): Record<string, string> {
  return { SORA_API_KEY: KEY, SORA_BASE_URL: emulator.url };
}

/** A fresh temporary folder, removed after the file's tests. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sora-kit-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// The set-up most test files share. The bindings below are set by the hooks of `useWorkDir` and
// `useSharedEmulator` (an ES module's exports are live: a test file that imports them sees the values once
// its `beforeAll` hooks have run). Each test file has its own copy of this module, so of them.

/** The test file's working folder (`useWorkDir`, `useSharedEmulator`). */
export let dir: string;
/** The emulator all the test file's tests share (`useSharedEmulator`). */
export let emulator: RunningEmulator;
/** The environment that points the CLI at {@link emulator} with {@link KEY} (`useSharedEmulator`). */
export let env: Record<string, string>;

/** Before the file's tests: a working folder, {@link dir}. After them: every output checked for the key. */
export function useWorkDir(): void {
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(checkAllOutputsForKey);
}

/**
 * {@link useWorkDir}, plus one emulator for the file's tests ({@link emulator}, with `options`, e.g. its
 * `jobSeconds`) and its {@link env}. Its request log is cleared before each test, so that a test can prove
 * that nothing was sent.
 */
export function useSharedEmulator(options: EmulatorOptions = {}): void {
  useWorkDir();
  beforeAll(async () => {
    emulator = await testEmulator(options);
    env = envFor(emulator);
  });
  beforeEach(() => emulator.clearRequests());
}

/**
 * Makes every poll of a job fail (a 503, 50 times: past core's retries), so that the job exists on the
 * server but the command cannot follow it. `faults.clear()` ends it.
 */
export function failEveryPoll(target: RunningEmulator): void {
  target.faults.add({ kind: 'server-error', method: 'GET', path: '/v1/videos/*', status: 503, times: 50 });
}

/** The creates (POST /v1/videos) in the emulator's request log. */
export function creates(emulator: RunningEmulator) {
  return emulator.requests().filter((r) => r.method === 'POST' && r.path === '/v1/videos');
}

/** Checks every output collected in this file once more (a test may have bypassed `done`). */
export function checkAllOutputsForKey(): void {
  for (const output of allOutputs) expect(output).not.toContain(KEY);
}

/** Parses JSON lines; fails on any line that is not JSON. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What ffprobe says about a saved video: the helper every package's tests share. */
export { ffprobeFile as probe } from '@sora-kit/test-support/media';

/** A valid PNG of one colour (8-bit RGB), `width` x `height`: what an API that decodes images accepts. */
export function solidPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const row = Buffer.alloc(1 + width * 3, 0);
  for (let x = 0; x < width; x++) row.set([0xd9, 0x8c, 0x3a], 1 + x * 3); // a tiger's orange
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
