/**
 * What a batch shows while it runs. On a terminal: one line per event (created, saved, failed), with a
 * status line redrawn below them (a bar of the lines done, how many run, failures, elapsed, time left).
 * Not on a terminal: the event lines only. With `--json`: one JSON line per event on stdout.
 */
import { displayPath } from '../display-path.js';
import type { Output } from '../output.js';
import { formatBytes, formatDuration, renderBar, visibleLength } from '../progress/format.js';
import { LINE_BREAK, neutralise, own } from '../terminal-text.js';
import type { BatchSummary, JobEvent } from './run-batch.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
// Marked as the CLI's own, so that Output lets them act (see terminal-text.ts).
const CLEAR_LINE = own('\r\x1b[2K');
const HIDE_CURSOR = own('\x1b[?25l');
const SHOW_CURSOR = own('\x1b[?25h');

export class BatchDisplay {
  readonly #out: Output;
  readonly #total: number;
  readonly #started = performance.now();
  readonly #running = new Set<number>();
  #done = 0;
  #doneThisRun = 0;
  #failed = 0;
  #errors = 0;
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;
  #pausedUntil = 0;

  constructor(out: Output, total: number) {
    this.#out = out;
    this.#total = total;
    if (out.chatty && out.interactive) {
      this.#timer = setInterval(() => this.#draw(), 150);
      this.#timer.unref();
      out.stderrRaw(HIDE_CURSOR);
      process.once('exit', restoreCursor);
    }
  }

  event(event: JobEvent): void {
    const out = this.#out;
    const { line } = event.job;
    const id = event.id ?? '';
    // Padded as shown (a control in a server's id is shown as its escape), for the columns to line up.
    const shownId = neutralise(id);
    const tag = `line ${String(line).padEnd(4)} ${shownId.padEnd(Math.max(shownId.length, 1))}`;
    switch (event.type) {
      case 'created':
        this.#running.add(line);
        out.event({ type: 'job', line, event: event.resumed ? 'resumed' : 'created', id });
        this.#log(
          out.style.dim(`${tag}  ${event.resumed ? 'created (resent with its Idempotency-Key)' : 'created'}`),
        );
        return;
      case 'progress':
        this.#running.add(line);
        return;
      case 'completed':
        out.event({ type: 'job', line, event: 'completed', id });
        return;
      case 'downloaded':
      case 'skipped': {
        this.#running.delete(line);
        this.#done += 1;
        if (event.type === 'downloaded') this.#doneThisRun += 1;
        const shown = displayPath(event.path);
        out.event({
          type: 'job',
          line,
          event: event.type === 'downloaded' ? 'downloaded' : 'already_downloaded',
          id,
          path: event.path,
          ...(event.type === 'downloaded' && { bytes: event.bytes }),
        });
        this.#log(
          event.type === 'downloaded'
            ? `${tag}  ${out.style.green('✓')} saved ${shown} (${formatBytes(event.bytes)})`
            : out.style.dim(`${tag}  already saved ${shown}`),
        );
        out.resultOnce(shown);
        return;
      }
      case 'failed':
        this.#running.delete(line);
        this.#failed += 1;
        out.event({
          type: 'job',
          line,
          event: event.earlier ? 'failed_earlier' : 'failed',
          id,
          error: { code: event.code, message: event.message },
        });
        this.#logProblem(
          `${tag}  ${out.style.red('✗')} ${event.earlier ? 'failed in an earlier run' : 'failed'}: ${event.code}: ${event.message}`,
        );
        return;
      case 'error':
        this.#running.delete(line);
        this.#errors += 1;
        out.event({
          type: 'job',
          line,
          event: 'error',
          id: event.id ?? null,
          error: { message: event.message },
        });
        this.#logProblem(
          `${tag}  ${out.style.red('✗')} error: ${event.message} (running the batch again retries it)`,
        );
        return;
    }
  }

  /** A 429 closed the gate for every worker. */
  rateLimited(delayMs: number): void {
    this.#pausedUntil = Date.now() + delayMs;
    this.#out.event({ type: 'rate_limited', retry_after_ms: delayMs });
    this.#log(
      this.#out.style.yellow(
        `rate limited (429): every worker waits ${formatDuration(delayMs)} as the server asked`,
      ),
    );
  }

  /** A note from the command (resuming, summary). */
  note(text: string): void {
    this.#log(text);
  }

  stop(): void {
    if (this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#out.stderrRaw(CLEAR_LINE + SHOW_CURSOR);
      process.off('exit', restoreCursor);
    }
  }

  /** Prints the end of the run on stderr and, with `--json`, a `summary` line. */
  summary(summary: BatchSummary, manifestPath: string): void {
    this.stop();
    const out = this.#out;
    out.event({ type: 'summary', ...summary, manifest: manifestPath });
    const parts = [`${summary.downloaded}/${summary.total} saved`];
    if (summary.failed) parts.push(out.style.red(`${summary.failed} failed`));
    if (summary.errors) parts.push(out.style.red(`${summary.errors} with errors`));
    if (summary.pending) parts.push(`${summary.pending} not finished`);
    out.info(
      `Batch: ${parts.join(', ')} in ${formatDuration(performance.now() - this.#started)}. Manifest: ${displayPath(manifestPath)}`,
    );
  }

  /**
   * A job that failed or hit an error: shown like any event, and with `--quiet` too (on stderr, as errors
   * are), so that its id is never lost; `--json` has it in its `job` line.
   */
  #logProblem(line: string): void {
    if (this.#out.chatty) this.#log(line);
    else if (!this.#out.json) this.#out.error(line);
  }

  #log(line: string): void {
    if (!this.#out.chatty) return;
    if (this.#timer) {
      this.#out.stderrRaw(`${CLEAR_LINE}${line}${LINE_BREAK}`);
      this.#draw();
    } else {
      this.#out.info(line);
    }
  }

  #draw(): void {
    if (!this.#timer) return;
    this.#frame += 1;
    const { style, columns } = this.#out;
    const elapsed = performance.now() - this.#started;
    const finished = this.#done + this.#failed;
    const left = this.#total - finished - this.#errors;
    const eta =
      this.#doneThisRun > 0 && left > 0
        ? `~${formatDuration((elapsed / this.#doneThisRun) * left)} left`
        : '';
    const paused =
      this.#pausedUntil > Date.now()
        ? style.yellow(`paused ${formatDuration(this.#pausedUntil - Date.now())} (429)`)
        : '';
    const head = `${style.cyan(SPINNER[this.#frame % SPINNER.length]!)} ${finished}/${this.#total}`;
    const tail = [
      `${this.#running.size} running`,
      this.#failed ? style.red(`${this.#failed} failed`) : '',
      this.#errors ? style.red(`${this.#errors} errors`) : '',
      paused,
      formatDuration(elapsed),
      eta,
    ]
      .filter(Boolean)
      .join(' · ');
    const barWidth = Math.max(0, Math.min(30, columns - 1 - visibleLength(head) - visibleLength(tail) - 4));
    const bar = barWidth >= 8 ? `  ${style.cyan(renderBar(finished / this.#total, barWidth))}  ` : '  ';
    let line = `${head}${bar}${tail}`;
    if (visibleLength(line) > columns - 1)
      line = `${head}  ${this.#running.size} running · ${formatDuration(elapsed)}`;
    this.#out.stderrRaw(CLEAR_LINE + line);
  }
}

function restoreCursor(): void {
  process.stderr.write('\x1b[?25h');
}
