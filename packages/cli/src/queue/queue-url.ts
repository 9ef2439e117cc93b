/** Where `--queue` points: the flag, else `SORA_QUEUE_URL` (which keeps a Redis password out of `ps` and shell history). */
import { UsageError } from '../cli-error.js';

export interface QueueOptions {
  queue?: string | boolean;
  queueName?: string;
}

/** The Redis URL of `--queue` / `SORA_QUEUE_URL`, checked before anything connects. */
export function queueUrl(options: QueueOptions): string {
  const url = typeof options.queue === 'string' ? options.queue : process.env.SORA_QUEUE_URL?.trim();
  if (!url) {
    throw new UsageError(
      '--queue needs a Redis URL.',
      'Pass --queue redis://host:6379/0, or set SORA_QUEUE_URL (keeps a password out of the process list).',
    );
  }
  if (!/^rediss?:\/\/[^\s]+$/i.test(url)) {
    throw new UsageError(
      `--queue must be a redis:// or rediss:// URL, got '${url.replace(/\/\/[^@/]*@/, '//***@')}'.`,
      'Example: --queue redis://127.0.0.1:6379/0',
    );
  }
  return url;
}
