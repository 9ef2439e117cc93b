/**
 * Everything the CLI writes goes through an {@link Output}: results on stdout, progress and messages on
 * stderr, JSON lines on stdout with `--json`. It is also the one place that guards the terminal:
 *
 * - every string written is passed through {@link Output.redact}, so an API key that some error message
 *   or URL might carry is replaced by `***` before it can reach a screen or a log file;
 * - every human-readable string is passed through `neutralise` (see `terminal-text.ts`), so control
 *   characters from a server or a jobs file are shown escaped instead of acting on the terminal; only the
 *   CLI's own sequences (its {@link Styles}, and what a progress display marks with `own`) act;
 * - JSON lines stay exact JSON, with the characters a terminal could act on written as `\u` escapes.
 */
import { neutralise, own, safeJson } from './terminal-text.js';

/** How the user asked the CLI to talk. */
export interface OutputOptions {
  /** `--json`: stdout carries JSON lines only; stderr only errors and `--verbose` logs. */
  json?: boolean;
  /** `--quiet`: no progress and no messages; results and errors still appear. */
  quiet?: boolean;
  /** `--verbose`: one stderr line per HTTP request (never its headers). */
  verbose?: boolean;
  /** `--no-color` sets this to false; `NO_COLOR` (non-empty) and a non-terminal stderr also turn colors off. */
  color?: boolean;
}

/** The streams an Output writes to; `process.stdout`/`process.stderr` by default. */
export interface OutputStreams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

type Paint = (text: string) => string;

/** ANSI styles for stderr, all identity functions when colors are off. */
export interface Styles {
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
}

const ansi =
  (open: number, close: number): Paint =>
  (text) =>
    `${own(`\x1b[${open}m`)}${text}${own(`\x1b[${close}m`)}`;
const plain: Paint = (text) => text;

export function colorEnabled(options: OutputOptions, stream: NodeJS.WriteStream, env = process.env): boolean {
  if (options.color === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** Styles for stderr (colors only when stderr is a terminal and colors are allowed). */
  readonly style: Styles;
  /** Whether stderr is a terminal on which a redrawn progress line makes sense. */
  readonly interactive: boolean;
  /** Whether stdout is a terminal (a person reads it, rather than a pipe or a file). */
  readonly stdoutIsTTY: boolean;
  readonly #streams: OutputStreams;
  readonly #secrets = new Set<string>();

  constructor(options: OutputOptions = {}, streams: OutputStreams = process, env = process.env) {
    this.json = options.json === true;
    this.quiet = options.quiet === true;
    this.verbose = options.verbose === true;
    this.#streams = streams;
    this.interactive = streams.stderr.isTTY === true && env.TERM !== 'dumb';
    this.stdoutIsTTY = streams.stdout.isTTY === true;
    const on = colorEnabled(options, streams.stderr, env);
    this.style = {
      bold: on ? ansi(1, 22) : plain,
      dim: on ? ansi(2, 22) : plain,
      red: on ? ansi(31, 39) : plain,
      green: on ? ansi(32, 39) : plain,
      yellow: on ? ansi(33, 39) : plain,
      cyan: on ? ansi(36, 39) : plain,
    };
  }

  /** Registers a value that must never be printed (the API key). */
  addSecret(secret: string | undefined): void {
    if (!secret) return;
    // Each line or word too: a key pasted with a line break may be quoted in parts.
    for (const part of [secret, ...secret.split(/\s+/)]) {
      if (part.length >= 8 || (part === secret && part.length >= 4)) this.#secrets.add(part);
    }
  }

  /** `text` with every registered secret replaced by `***`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('***');
    return out;
  }

  /** Whether human messages (info, progress) go to stderr. */
  get chatty(): boolean {
    return !this.json && !this.quiet;
  }

  /** A result line on stdout (a saved path, an id, a table row); nothing in `--json` mode. */
  result(line: string): void {
    if (!this.json) this.#write('stdout', line, '\n');
  }

  /**
   * A result that a stderr message already showed to a person: printed on stdout only when stdout is not
   * a terminal (a pipe or `$(...)` wants it) or when that message was not shown (`--quiet`).
   */
  resultOnce(line: string): void {
    if (!this.chatty || !this.stdoutIsTTY) this.result(line);
  }

  /** A JSON line on stdout; only in `--json` mode. */
  event(value: unknown): void {
    if (this.json) this.#streams.stdout.write(`${safeJson(this.redact(JSON.stringify(value)))}\n`);
  }

  /** A message on stderr, unless `--quiet` or `--json`. */
  info(line: string): void {
    if (this.chatty) this.#write('stderr', line, '\n');
  }

  /** A message on stderr, always (errors, warnings the user must see). */
  error(line: string): void {
    this.#write('stderr', line, '\n');
  }

  /** A `--verbose` line on stderr. */
  debug(line: string): void {
    if (this.verbose) this.#write('stderr', this.style.dim(line), '\n');
  }

  /**
   * Text on stderr without a line end, for progress displays that redraw a line: their controls (`\r`,
   * clear line, cursor) must be marked with `own`; any other control is shown escaped, as everywhere.
   */
  stderrRaw(text: string): void {
    this.#write('stderr', text);
  }

  /** The width of the terminal behind stderr (80 when unknown). */
  get columns(): number {
    return this.#streams.stderr.columns || 80;
  }

  /** Human-readable text: redacted, then neutralised (the line end is added by the callers, after it). */
  #write(to: 'stdout' | 'stderr', text: string, end = ''): void {
    this.#streams[to].write(neutralise(this.redact(text)) + end);
  }
}
