/**
 * Turns anything a command throws into one message on stderr (plus a hint), a `{"type":"error"}` line in
 * `--json` mode, and an exit code: 2 for input refused before any request (ours or core's
 * `ValidationError`), 1 for an API refusal or a failed job, 130 for Ctrl-C. All text passes through
 * `Output`, which redacts the API key.
 */
import { basename, dirname, join } from 'node:path';
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PollTimeoutError,
  ValidationError,
  VideoFailedError,
} from '@sora-kit/core';
import { CliError, InterruptedError, UsageError } from './cli-error.js';
import { displayPath } from './display-path.js';
import { ExitCode } from './exit-codes.js';
import { explainWriteError, isFsError } from './fs-errors.js';
import type { Output } from './output.js';

/** The CLI's view of an error: what to say and with which exit code. */
export function toCliError(error: unknown, signal?: AbortSignal): CliError {
  if (error instanceof CliError) return error;
  if (
    signal?.aborted ||
    APIUserAbortError.isInstance(error) ||
    (error as Error | undefined)?.name === 'AbortError'
  ) {
    return new InterruptedError();
  }
  if (ValidationError.isInstance(error)) return new UsageError(error.message, undefined, 'invalid_value');
  if (VideoFailedError.isInstance(error)) {
    return new CliError(error.message, ExitCode.Failed, undefined, error.code);
  }
  if (PollTimeoutError.isInstance(error)) {
    return new CliError(
      error.message.replace(/; poll it again to resume$/, ''),
      ExitCode.Failed,
      `It is still running; resume with: sora-kit wait ${error.video.id}`,
      'timeout',
    );
  }
  if (AuthenticationError.isInstance(error)) {
    return new CliError(
      `The API refused the key: ${error.message}`,
      ExitCode.Failed,
      'Check SORA_API_KEY (and --base-url / SORA_BASE_URL: a key belongs to one host).',
      error.code ?? 'authentication_error',
    );
  }
  if (APIConnectionError.isInstance(error)) {
    // Core's message names the host and the runtime's reason (`Could not connect to api.gpt.ge: getaddrinfo
    // ENOTFOUND api.gpt.ge`): nothing to dig out of `cause`.
    return new CliError(
      `Could not reach the API: ${error.message}`,
      ExitCode.Failed,
      'Check --base-url / SORA_BASE_URL and your connection.',
      'connection_error',
    );
  }
  if (APIError.isInstance(error)) {
    const details = [
      error.param ? `param: ${error.param}` : '',
      error.code ? `code: ${error.code}` : '',
      error.requestId ? `request id: ${error.requestId}` : '',
    ].filter(Boolean);
    return new CliError(
      `The API refused the request: ${error.message}${details.length ? ` (${details.join(', ')})` : ''}`,
      ExitCode.Failed,
      undefined,
      error.code ?? `http_${error.status ?? 'error'}`,
    );
  }
  if (isFsError(error)) return fsCliError(error);
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`Unexpected error: ${message}`, ExitCode.Failed, undefined, 'unexpected');
}

const PARTIAL = /^\.(.+)\.[0-9a-f]{8}\.part$/;
const READS = new Set(['read', 'stat', 'lstat', 'scandir', 'readlink', 'access']);

/** A file system error, about the file the user named (a download's temporary file stands for its target). */
function fsCliError(error: NodeJS.ErrnoException & { code: string }): CliError {
  const code = error.code.toLowerCase();
  if (!error.path) return new CliError(`${error.code}: ${error.message}`, ExitCode.Failed, undefined, code);
  const partial = PARTIAL.exec(basename(error.path));
  const path = partial ? join(dirname(error.path), partial[1]!) : error.path;
  const message =
    error.syscall && READS.has(error.syscall)
      ? `Cannot read '${displayPath(path)}': ${error.code}.`
      : `Cannot save to '${displayPath(path)}': ${explainWriteError(error, path)}.`;
  return new CliError(message, ExitCode.Failed, undefined, code);
}

/** Prints the error (stderr, and a JSON line with `--json`) and answers the exit code. */
export function reportError(error: unknown, out: Output, signal?: AbortSignal): number {
  const cli = toCliError(error, signal);
  // "Interrupted. Resume with: …" is not an error: it is said as it is.
  out.error(
    cli.exitCode === ExitCode.Interrupted ? cli.message : `${out.style.red('error:')} ${cli.message}`,
  );
  if (cli.hint) out.error(cli.hint);
  if (out.verbose && !(error instanceof CliError) && error instanceof Error && error.stack)
    out.debug(error.stack);
  if (cli.reported) return cli.exitCode;
  const api = APIError.isInstance(error) ? error : undefined;
  out.event({
    type: 'error',
    exit_code: cli.exitCode,
    ...(cli.videoId && { id: cli.videoId }),
    error: {
      message: cli.message,
      code: cli.code ?? null,
      ...(api ? { status: api.status ?? null, param: api.param ?? null } : {}),
      ...(ValidationError.isInstance(error) ? { param: error.field } : {}),
      ...(cli.hint ? { hint: cli.hint } : {}),
    },
  });
  return cli.exitCode;
}
