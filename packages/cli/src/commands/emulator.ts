/**
 * `sora-kit emulator [flags]`: runs `@sora-kit/emulator`'s own command line (`sora-emulator`) with the
 * flags as given, so both accept exactly the same flags and print the same help. The emulator package
 * exports `startEmulator` but not its argument parser, so its bin runs as a child process (stdio
 * shared); Ctrl-C reaches it through the terminal, and a SIGINT/SIGTERM sent to this process is passed on.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CommandEnv } from '../command-env.js';

async function emulatorBin(): Promise<string> {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@sora-kit/emulator/package.json');
  const pkg = JSON.parse(await readFile(manifest, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['sora-emulator'];
  if (!bin) throw new Error('@sora-kit/emulator has no sora-emulator bin');
  return join(dirname(manifest), bin);
}

export async function run(
  args: string[],
  _options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const child = spawn(process.execPath, [await emulatorBin(), ...args], { stdio: 'inherit' });
  // The trap in run-command aborts `signal` on our SIGINT/SIGTERM: pass it on, and let the emulator
  // close its listeners and decide the exit code.
  const forward = () =>
    child.kill((env.signal.reason as { signal?: NodeJS.Signals } | undefined)?.signal ?? 'SIGINT');
  env.signal.addEventListener('abort', forward, { once: true });
  return await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      env.signal.removeEventListener('abort', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}
