/**
 * Runs one command: sets up the output mode from the common options, traps Ctrl-C, loads the command's
 * module and turns whatever it throws into a message and an exit code (see `errors.ts`).
 */
import { setFlagsFromString } from 'node:v8';
import type { CommandRunner } from './command-env.js';
import { reportError } from './errors.js';
import { trapInterrupts } from './interrupt.js';
import { Output } from './output.js';

// Node's fetch parses HTTP with a WebAssembly build of llhttp. V8 compiles it twice, quickly (Liftoff)
// and then optimised (TurboFan) in the background, and a process that exits before the second compile
// ends waits for it: about 150 ms on every short command (`status`, `--no-wait`). The baseline code is
// plenty for parsing HTTP headers (bodies are not parsed by it), so the optimised compile is skipped.
// Set before the first request, as the flag applies to modules compiled after it.
setFlagsFromString('--liftoff-only');

export async function runCommand(
  load: () => Promise<{ run: CommandRunner }>,
  args: string[],
  options: Record<string, unknown>,
): Promise<number> {
  const out = new Output({
    json: options.json === true,
    quiet: options.quiet === true,
    verbose: options.verbose === true,
    color: options.color !== false,
  });
  // The key is redacted from everything we print, even when a command never reads it.
  out.addSecret(process.env.SORA_API_KEY?.trim());
  const interrupts = trapInterrupts();
  try {
    const { run } = await load();
    return await run(args, options, { out, signal: interrupts.signal });
  } catch (error) {
    return reportError(error, out, interrupts.signal);
  } finally {
    interrupts.dispose();
  }
}
