/** Runs the built `sora-emulator` bin as a real process, building it first when dist/ is missing or stale. */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const packageDir = fileURLToPath(new URL('../..', import.meta.url));
export const binPath = join(packageDir, 'dist/bin.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.includes('.test.')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/ with the package's own build (tsc) unless it is newer than every source file.
 * `turbo run test` builds first anyway; this keeps a plain `vitest run` honest after an edit.
 */
export function ensureBuilt(): void {
  if (existsSync(binPath) && statSync(binPath).mtimeMs >= newestSource(join(packageDir, 'src'))) return;
  const tsc = createRequire(join(packageDir, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageDir, stdio: 'inherit' });
}

/** A running bin: its process, the lines it printed so far, and a promise of its exit. */
export interface BinProcess {
  child: ChildProcessWithoutNullStreams;
  stdoutLines: string[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the `n`-th stdout line (1-based) once printed. */
  line(n: number, timeoutMs?: number): Promise<string>;
}

export function runBin(args: string[]): BinProcess {
  const child = spawn(process.execPath, [binPath, ...args], { cwd: packageDir });
  const stdoutLines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdoutLines.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const line = async (n: number, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (stdoutLines.length < n) {
      if (child.exitCode !== null)
        throw new Error(`bin exited (${child.exitCode}) before line ${n}: ${stderr}`);
      if (Date.now() > deadline)
        throw new Error(`no line ${n} from the bin after ${timeoutMs} ms: ${stderr}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return stdoutLines[n - 1] as string;
  };
  return { child, stdoutLines, stderr: () => stderr, exit, line };
}
