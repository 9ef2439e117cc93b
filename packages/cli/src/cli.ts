/**
 * The `sora-kit` entry. It parses the command line with commander and hands the chosen command to
 * `run-command.ts`, loaded (with the command's own module) only then, so `--help` stays fast.
 */
import { CommanderError } from 'commander';
import { ExitCode } from './exit-codes.js';
import { createProgram } from './program.js';

let exitCode: number = ExitCode.Ok;

// `sora-kit list --json | head -n 1`: the reader left; stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(exitCode);
  throw error;
});

const program = createProgram(async (load, args, options, name) => {
  const { runCommand } = await import('./run-command.js');
  exitCode = await runCommand(load, args, options, name);
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and --version exit 0; every parse error (unknown option, missing argument, invalid value) is usage.
    exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    const key = process.env.SORA_API_KEY;
    const { neutralise } = await import('./terminal-text.js');
    process.stderr.write(
      `sora-kit: unexpected error: ${neutralise(key ? message.split(key).join('***') : message)}\n`,
    );
    exitCode = ExitCode.Failed;
  }
}

// Exit explicitly once stdout and stderr are flushed: a keep-alive socket must not hold the process open.
let pending = 2;
const done = () => {
  pending -= 1;
  if (pending === 0) process.exit(exitCode);
};
process.stdout.write('', done);
process.stderr.write('', done);
