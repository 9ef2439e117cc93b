/**
 * Runs one command: sets up the output mode from the common options, traps Ctrl-C, loads the command's
 * module and turns whatever it throws into a message and an exit code (see `errors.ts`).
 */
import { setFlagsFromString } from 'node:v8';
import type { CommandRunner } from './command-env.js';
import { checkApiOptions } from './context.js';
import { reportError } from './errors.js';
import { trapInterrupts } from './interrupt.js';
import { Output } from './output.js';

/**
 * Commands that make a request or two and exit. Node's fetch parses HTTP with a WebAssembly build of
 * llhttp, which V8 compiles twice: quickly (Liftoff), then optimised (TurboFan) in the background, and a
 * process that exits before that second compile is done waits for it — about 150 ms on every `status`.
 * These commands skip the optimised tier; the ones that stream a video keep it, as it parses faster.
 */
function isQuick(name: string, options: Record<string, unknown>): boolean {
  return name === 'status' || name === 'list' || name === 'delete' || options.wait === false;
}

export async function runCommand(
  load: () => Promise<{ run: CommandRunner }>,
  args: string[],
  options: Record<string, unknown>,
  name = '',
): Promise<number> {
  // Must be set before the first request (it applies to WebAssembly compiled after it).
  if (isQuick(name, options)) setFlagsFromString('--liftoff-only');
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
    checkApiOptions(options);
    const { run } = await load();
    return await run(args, options, { out, signal: interrupts.signal });
  } catch (error) {
    return reportError(error, out, interrupts.signal);
  } finally {
    interrupts.dispose();
  }
}
