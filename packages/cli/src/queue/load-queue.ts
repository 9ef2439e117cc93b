/**
 * `@sora-kit/queue` is an optional peer of the CLI: BullMQ and ioredis (and msgpackr's native build) are
 * installed only by those who run the queue commands (`batch --queue`, `batch status`, `worker`), and loaded
 * only when one of them runs. Without it, those commands say what to install (exit 2, no stack).
 */
import { UsageError } from '../cli-error.js';

export type QueueModule = typeof import('@sora-kit/queue');

/** The message and hint when the package is missing (tests and the READMEs say the same). */
export const MISSING_QUEUE = 'install @sora-kit/queue to use --queue (and `sora-kit worker`).';
const HINT =
  'npm i -g @sora-kit/queue beside a global @sora-kit/cli, or npm i @sora-kit/queue in the project that has the CLI; with npx: npx -p @sora-kit/cli -p @sora-kit/queue sora-kit …';

/** Imports `@sora-kit/queue`, or throws a `UsageError` naming what to install when it is not there. */
export async function loadQueue(): Promise<QueueModule> {
  try {
    return await import('@sora-kit/queue');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // Only the package itself missing: a broken install (BullMQ gone from under it) keeps its own message.
    if (code === 'ERR_MODULE_NOT_FOUND' && /['"]@sora-kit\/queue['"]/.test(message)) {
      throw new UsageError(MISSING_QUEUE, HINT, 'queue_not_installed');
    }
    throw error;
  }
}
