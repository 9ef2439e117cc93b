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

/**
 * The `--queue …` (and `--queue-name …`) of a command the CLI tells the user to run. A URL that carries a
 * password is never printed: the command then says `--queue` alone, which reads `SORA_QUEUE_URL`.
 */
export function queueArgs(options: QueueOptions, shellQuote: (text: string) => string): string {
  const given = typeof options.queue === 'string' && !/\/\/[^@/]*:[^@/]*@/.test(options.queue);
  const name = options.queueName ? ` --queue-name ${shellQuote(options.queueName)}` : '';
  return `${given ? ` --queue ${shellQuote(options.queue as string)}` : ' --queue'}${name}`;
}
