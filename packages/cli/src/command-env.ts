import type { Output } from './output.js';

/** What every command receives besides its arguments and options. */
export interface CommandEnv {
  /** Where to write (results, progress, JSON lines, errors). */
  out: Output;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM; commands stop waiting and clean up. */
  signal: AbortSignal;
}

/** What a command module exports: it runs the command and answers the exit code. */
export type CommandRunner = (
  args: string[],
  options: Record<string, unknown>,
  env: CommandEnv,
) => Promise<number>;
