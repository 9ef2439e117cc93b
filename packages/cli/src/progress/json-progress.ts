import type { Output } from '../output.js';
import type { JobState, ProgressReporter } from './progress.js';

const DOWNLOAD_EVERY_MS = 500;

/**
 * `--json`: progress as JSON lines on stdout — `{"type":"progress","id","status","progress","elapsed_ms"}`
 * whenever the status or percent changes, `{"type":"download","id","received","total"}` at most twice a
 * second while downloading.
 */
export class JsonProgress implements ProgressReporter {
  readonly #out: Output;
  readonly #id: () => string | undefined;
  readonly #now: () => number;
  readonly #started: number;
  #last: string | undefined;
  #lastDownloadAt = 0;

  constructor(out: Output, id: () => string | undefined, now: () => number = Date.now) {
    this.#out = out;
    this.#id = id;
    this.#now = now;
    this.#started = now();
  }

  job(state: JobState): void {
    const key = `${state.status}:${state.progress}`;
    if (key === this.#last) return;
    this.#last = key;
    this.#out.event({
      type: 'progress',
      id: state.id,
      status: state.status,
      progress: state.progress ?? null,
      elapsed_ms: this.#now() - this.#started,
    });
  }

  download(received: number, total: number | undefined): void {
    const now = this.#now();
    if (now - this.#lastDownloadAt < DOWNLOAD_EVERY_MS && received !== total) return;
    this.#lastDownloadAt = now;
    this.#out.event({ type: 'download', id: this.#id() ?? null, received, total: total ?? null });
  }

  stop(): void {}
}
