/**
 * The process exit codes of `sora-kit`, the same for every command.
 *
 * - `0` done;
 * - `1` the job failed (e.g. `moderation_blocked`) or the API refused the request;
 * - `2` bad usage or invalid input, found before any request is sent (or an output file that exists
 *   without `--force`);
 * - `130` interrupted (Ctrl-C), as shells report a SIGINT death (128 + 2).
 */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
