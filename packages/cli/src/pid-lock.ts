/**
 * A lock file that holds the pid of its owner, created with `wx` so that only one process gets it. A
 * lock whose process is gone (killed with SIGKILL, a power cut) is taken over.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { UsageError } from './cli-error.js';

/** Who holds a lock, for the message when another live process does. */
export interface LockRefusal {
  message: (pid: number) => string;
  code: string;
}

/**
 * Creates `lockPath` with our pid; refuses (exit 2) while another live process holds it. Answers whether
 * it took the lock over from a process that is gone (which may have left work half done).
 */
export async function takePidLock(lockPath: string, refusal: LockRefusal): Promise<{ tookOver: boolean }> {
  let tookOver = false;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(lockPath, `${process.pid}\n`, { flag: 'wx' });
      return { tookOver };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new UsageError(
          refusal.message(pid),
          `Wait for it, or stop it; if no such process is running, delete ${lockPath}.`,
          refusal.code,
        );
      }
      await rm(lockPath, { force: true });
      tookOver = true;
    }
  }
  throw new UsageError(`Could not take the lock ${lockPath}.`);
}

/** Removes the lock (only ours: callers release what they took). */
export async function releasePidLock(lockPath: string): Promise<void> {
  await rm(lockPath, { force: true });
}

/** Whether a process with this pid runs (one of another user's counts too). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
