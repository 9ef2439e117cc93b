/**
 * How `--emulator` finds a running `sora-kit emulator`: while it runs, that command keeps a small state
 * file (its URL, its pid, and its `--api-key` if it has one) in the user's state folder, and removes it
 * when the emulator stops. A file whose process is gone (killed outright) is ignored and removed.
 *
 * The folder is `$XDG_STATE_HOME/sora-kit/emulators` (default `~/.local/state/sora-kit/emulators`;
 * `%LOCALAPPDATA%\sora-kit\emulators` on Windows), private to the user (0700, files 0600), as a file may
 * hold the emulator's key.
 */
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from './pid-lock.js';

/** A running emulator, as its state file describes it. */
export interface RunningEmulatorState {
  /** The emulator's process. */
  pid: number;
  /** Its API origin, e.g. `http://127.0.0.1:4010`. */
  url: string;
  /** The only key it accepts, when started with `--api-key`; it accepts any key otherwise. */
  apiKey?: string;
  /** When it started (ms since the epoch): the newest of several running ones is used. */
  startedAt: number;
}

/** The folder of the state files. */
export function emulatorStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_STATE_HOME?.trim() ||
    (process.platform === 'win32' && env.LOCALAPPDATA) ||
    join(homedir(), '.local', 'state');
  return join(base, 'sora-kit', 'emulators');
}

/** Records a running emulator; answers the function that removes the record (when it stops). */
export async function recordRunningEmulator(state: RunningEmulatorState): Promise<() => Promise<void>> {
  const dir = emulatorStateDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = join(dir, `${state.pid}.json`);
  const record = {
    pid: state.pid,
    url: state.url,
    api_key: state.apiKey ?? null,
    started_at: state.startedAt,
  };
  await writeFile(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  return () => rm(file, { force: true });
}

/** The most recently started emulator that still runs, if any; records of gone processes are removed. */
export async function findRunningEmulator(): Promise<RunningEmulatorState | undefined> {
  const dir = emulatorStateDir();
  const names = await readdir(dir).catch(() => [] as string[]);
  let newest: RunningEmulatorState | undefined;
  for (const name of names) {
    if (!/^\d+\.json$/.test(name)) continue;
    const file = join(dir, name);
    const state = parseState(await readFile(file, 'utf8').catch(() => ''));
    if (!state || !isAlive(state.pid)) {
      await rm(file, { force: true });
      continue;
    }
    if (!newest || state.startedAt > newest.startedAt) newest = state;
  }
  return newest;
}

function parseState(text: string): RunningEmulatorState | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const { pid, url, api_key: apiKey, started_at: startedAt } = value;
    if (typeof pid !== 'number' || typeof url !== 'string' || !/^https?:\/\//.test(url)) return undefined;
    return {
      pid,
      url,
      ...(typeof apiKey === 'string' && { apiKey }),
      startedAt: typeof startedAt === 'number' ? startedAt : 0,
    };
  } catch {
    return undefined;
  }
}
