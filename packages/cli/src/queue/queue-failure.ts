/**
 * The queue's connection failures, as the CLI says them: one line naming the Redis URL (password masked)
 * and the reason, exit 1, never a stack. (`@sora-kit/queue` is loaded lazily, so its error class is known
 * here by name.)
 */
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';

/** How long `batch --queue` keeps trying to reach Redis before it gives up. */
export const PRODUCER_RECONNECT_MS = 5000;

interface ConnectionErrorShape {
  name: string;
  url: string;
  reason: string;
  auth: boolean;
}

const isConnectionError = (error: unknown): error is ConnectionErrorShape =>
  (error as Error | undefined)?.name === 'QueueConnectionError';

/** A `QueueConnectionError` as a one-line `CliError` (exit 1); anything else as it is. */
export function queueFailure(error: unknown): unknown {
  if (!isConnectionError(error)) return error;
  const what = error.auth ? 'check the password in --queue / SORA_QUEUE_URL' : 'is Redis running there?';
  return new CliError(
    `Cannot use the queue's Redis at ${error.url}: ${error.reason}; gave up after ${PRODUCER_RECONNECT_MS / 1000} s of retries (${what}).`,
    ExitCode.Failed,
    undefined,
    'queue_unreachable',
  );
}

/** Resolves with `work`, or rejects at once with an `AbortError` when `signal` aborts (SIGINT, SIGTERM). */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
