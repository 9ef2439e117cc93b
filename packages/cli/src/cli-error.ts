import { ExitCode } from './exit-codes.js';

/** An error the CLI reports as one message (plus an optional hint line) and a given exit code. */
export class CliError extends Error {
  override name = 'CliError';
  /** The job the error is about, when one exists (a failure after its create): shown in the `--json` line. */
  videoId: string | undefined;
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** A line telling the user what to do about it. */
    readonly hint?: string,
    /** Machine-readable code for `--json` (`error.code`). */
    readonly code?: string,
    /** The command already wrote its last JSON line (a failed job's Video): no `{"type":"error"}` line. */
    readonly reported = false,
  ) {
    super(message);
  }
}

/** Bad usage or invalid input, found before any request: exit 2. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string, hint?: string, code = 'invalid_usage') {
    super(message, ExitCode.Usage, hint, code);
  }
}

/** Ctrl-C: exit 130, after the command printed how to resume. */
export class InterruptedError extends CliError {
  override name = 'InterruptedError';
  constructor(message = 'Interrupted.', hint?: string) {
    super(message, ExitCode.Interrupted, hint, 'interrupted');
  }
}
