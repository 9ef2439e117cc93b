import type { Output } from '../output.js';
import { own, visibleText } from '../terminal-text.js';
import {
  estimateRemainingMs,
  formatBytes,
  formatDuration,
  formatPercent,
  renderBar,
  visibleLength,
} from './format.js';
import type { JobState, ProgressReporter } from './progress.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const REDRAW_MS = 120;
// Marked as the CLI's own, so that Output lets them act (see terminal-text.ts).
const CLEAR_LINE = own('\r\x1b[2K');
const HIDE_CURSOR = own('\x1b[?25l');
const SHOW_CURSOR = '\x1b[?25h';

interface Sample {
  value: number;
  at: number;
}

/**
 * The progress line on a terminal's stderr: one line redrawn in place (`\r`), with a spinner, the job's
 * status, a bar, the percent, the time elapsed and an estimate of the time left, then the same for the
 * download (bytes, rate). It redraws on a timer so the clock moves between polls, never writes wider
 * than the terminal (a wrapped line cannot be redrawn), and hides the cursor while it runs.
 */
export class TerminalProgress implements ProgressReporter {
  readonly #out: Output;
  readonly #now: () => number;
  readonly #started: number;
  #timer: NodeJS.Timeout | undefined;
  #frame = 0;
  #job: JobState | undefined;
  #jobFirst: Sample | undefined;
  #jobLatest: Sample | undefined;
  #download: { received: number; total: number | undefined } | undefined;
  #downloadFirst: Sample | undefined;
  #downloadLatest: Sample | undefined;
  #stopped = false;
  readonly #restoreCursor = () => process.stderr.write(SHOW_CURSOR);

  constructor(out: Output, now: () => number = Date.now) {
    this.#out = out;
    this.#now = now;
    this.#started = now();
  }

  job(state: JobState): void {
    const at = this.#now();
    const progress = clampPercent(state.progress);
    if (!this.#jobFirst) this.#jobFirst = { value: progress, at };
    if (!this.#jobLatest || progress !== this.#jobLatest.value) this.#jobLatest = { value: progress, at };
    this.#job = state;
    this.#ensureRunning();
  }

  download(received: number, total: number | undefined): void {
    const at = this.#now();
    if (!this.#downloadFirst) this.#downloadFirst = { value: received, at };
    this.#downloadLatest = { value: received, at };
    this.#download = { received, total };
    this.#ensureRunning();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) {
      clearInterval(this.#timer);
      this.#out.stderrRaw(CLEAR_LINE + own(SHOW_CURSOR));
      process.off('exit', this.#restoreCursor);
    }
  }

  /** The line as it would be drawn now (exposed for tests). */
  line(): string {
    const now = this.#now();
    const { style } = this.#out;
    const spinner = style.cyan(SPINNER[this.#frame % SPINNER.length]!);
    const elapsed = formatDuration(now - this.#started);
    const width = this.#out.columns - 1;
    if (this.#download) {
      const { received, total } = this.#download;
      const fraction = total ? received / total : 0;
      const eta =
        total && this.#downloadFirst && this.#downloadLatest
          ? estimateRemainingMs(this.#downloadFirst, this.#downloadLatest, total, now)
          : undefined;
      const took = this.#downloadLatest && this.#downloadFirst ? now - this.#downloadFirst.at : 0;
      const rate = took > 250 ? `${formatBytes((received / took) * 1000)}/s` : '';
      return fit(width, [
        { text: `${spinner} downloading`, keep: true },
        { bar: total ? fraction : undefined, paint: style.cyan },
        { text: total ? formatPercent(fraction * 100) : '', keep: true },
        // With a total, bar and percent say how far it got and the bytes may go in a narrow terminal;
        // without one, the bytes are all there is to show.
        {
          text: total ? `${formatBytes(received)}/${formatBytes(total)}` : formatBytes(received),
          keep: !total,
        },
        { text: rate },
        { text: eta === undefined ? '' : `~${formatDuration(eta)} left` },
        { text: elapsed },
      ]);
    }
    const job = this.#job;
    const status = job?.status ?? 'starting';
    const percent = this.#jobLatest?.value ?? 0;
    const eta =
      this.#jobFirst && this.#jobLatest
        ? estimateRemainingMs(this.#jobFirst, this.#jobLatest, 100, now)
        : undefined;
    return fit(width, [
      { text: `${spinner} ${paintStatus(status, style)}`, keep: true },
      { bar: percent / 100, paint: style.cyan },
      { text: formatPercent(percent), keep: true },
      { text: elapsed, keep: true },
      { text: eta === undefined ? style.dim('estimating…') : `~${formatDuration(eta)} left` },
      { text: job ? style.dim(job.id) : '' },
    ]);
  }

  #ensureRunning(): void {
    if (this.#stopped) return;
    if (!this.#timer) {
      process.once('exit', this.#restoreCursor);
      this.#out.stderrRaw(HIDE_CURSOR);
      this.#timer = setInterval(() => this.#draw(), REDRAW_MS);
      this.#timer.unref();
    }
    this.#draw();
  }

  #draw(): void {
    this.#frame += 1;
    let line: string;
    try {
      line = this.line();
    } catch (error) {
      // A display bug must not cost the user the job: stop showing progress, keep working.
      this.stop();
      this.#out.debug(`progress display stopped: ${(error as Error).message}`);
      return;
    }
    this.#out.stderrRaw(CLEAR_LINE + line);
  }
}

type Part = { text: string; keep?: boolean } | { bar: number | undefined; paint: (s: string) => string };

/**
 * Joins the parts with two spaces, giving the bar what width is left (up to 30 cells). Optional parts
 * are dropped from the right while the bar would be narrower than 20 cells (or, without a bar, while
 * the line is too wide); then the bar goes if even 8 cells do not fit. The result never wraps.
 */
function fit(width: number, parts: Part[]): string {
  const active = parts.filter((p) => ('text' in p ? p.text !== '' : p.bar !== undefined));
  for (;;) {
    const texts = active.filter((p): p is { text: string } => 'text' in p);
    const textWidth = texts.reduce((n, p) => n + visibleLength(p.text), 0) + 2 * (active.length - 1);
    const barIndex = active.findIndex((p) => 'bar' in p);
    const barWidth = barIndex < 0 ? 0 : Math.min(30, width - textWidth);
    const line = active
      .map((p) => ('text' in p ? p.text : p.paint(renderBar(p.bar ?? 0, barWidth))))
      .join('  ');
    const optional = active.findLastIndex((p) => 'text' in p && !p.keep);
    const cramped = barIndex >= 0 ? barWidth < 20 : visibleLength(line) > width;
    if (cramped && optional >= 0) {
      active.splice(optional, 1);
      continue;
    }
    if (barIndex >= 0 && barWidth < 8) {
      active.splice(barIndex, 1);
      continue;
    }
    return truncate(line, width);
  }
}

function truncate(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  // Strip styling rather than cut through an escape sequence (and cut what the terminal will show).
  const bare = [...visibleText(line)];
  return `${bare.slice(0, Math.max(0, width - 1)).join('')}…`;
}

function clampPercent(progress: number | null | undefined): number {
  return typeof progress === 'number' && Number.isFinite(progress) ? Math.min(100, Math.max(0, progress)) : 0;
}

function paintStatus(status: string, style: Output['style']): string {
  const s = status.toLowerCase();
  if (s === 'completed') return style.green(status);
  if (s === 'failed' || s === 'expired') return style.red(status);
  if (s === 'in_progress' || s === 'processing') return style.cyan(status);
  return style.yellow(status);
}
