import type { Output } from '../output.js';
import { formatBytes, formatDuration } from './format.js';
import type { JobState, ProgressReporter } from './progress.js';

/**
 * Progress for a stderr that is not a terminal (a log file, CI): plain lines, no escapes, written only
 * when something changed enough to say — a new status, every 10 % of the job, every 25 % of the download —
 * so a long wait leaves a short, readable log.
 */
export class PlainProgress implements ProgressReporter {
  readonly #out: Output;
  readonly #now: () => number;
  readonly #started: number;
  #status: string | undefined;
  #jobStep = -1;
  #downloadStep = -1;

  constructor(out: Output, now: () => number = Date.now) {
    this.#out = out;
    this.#now = now;
    this.#started = now();
  }

  job(state: JobState): void {
    const percent = typeof state.progress === 'number' ? Math.floor(state.progress) : 0;
    const step = Math.floor(percent / 10);
    if (state.status === this.#status && step <= this.#jobStep) return;
    this.#status = state.status;
    this.#jobStep = step;
    this.#out.info(`${state.id}  ${state.status}  ${percent}%  ${this.#elapsed()}`);
  }

  download(received: number, total: number | undefined): void {
    const step = total ? Math.floor((received / total) * 4) : 0;
    if (step <= this.#downloadStep) return;
    this.#downloadStep = step;
    const amount = total
      ? `${Math.floor((received / total) * 100)}%  ${formatBytes(received)}/${formatBytes(total)}`
      : formatBytes(received);
    this.#out.info(`downloading  ${amount}  ${this.#elapsed()}`);
  }

  stop(): void {}

  #elapsed(): string {
    return formatDuration(this.#now() - this.#started);
  }
}
