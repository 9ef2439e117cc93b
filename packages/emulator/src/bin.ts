#!/usr/bin/env node
/**
 * `sora-emulator`: runs the emulator until Ctrl-C (or SIGTERM), then closes its listeners and exits 0.
 * Its first line of output is exactly `sora-emulator listening on http://HOST:PORT`, so that scripts
 * and tests can wait for it and read the port.
 */
import { readFileSync } from 'node:fs';
import { CliError, HELP, parseCli } from './cli-args.js';
import { startEmulator } from './node-server.js';

async function main(): Promise<void> {
  let command: ReturnType<typeof parseCli>;
  try {
    command = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`sora-emulator: ${error.message}\nRun "sora-emulator --help" for the options.\n`);
    process.exitCode = 2;
    return;
  }
  if (command.kind === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (command.kind === 'version') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    process.stdout.write(`${pkg.version}\n`);
    return;
  }

  const options = command.options;
  // Signal handlers go in before anything is printed: a supervisor may stop us as soon as it reads the
  // listening line, and a signal during start-up must still end in a clean close.
  const starting = startEmulator({
    ...options,
    // Log lines go to stderr, so that stdout stays the machine-readable listening line(s).
    logger: { info: (m) => console.error(m), warn: (m) => console.error(m), error: (m) => console.error(m) },
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!options.quiet) process.stderr.write(`sora-emulator: ${signal}, closing\n`);
    starting
      .then((emulator) => emulator.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const emulator = await starting;
  if (stopping) return;
  process.stdout.write(`sora-emulator listening on ${emulator.url}\n`);
  if (emulator.filesUrl) process.stdout.write(`sora-emulator download origin on ${emulator.filesUrl}\n`);
  if (!options.quiet) {
    process.stderr.write(
      `  OpenAI SDK: new OpenAI({ baseURL: '${emulator.url}/v1', apiKey: '${options.apiKey ? '<your --api-key>' : 'any'}' })\n` +
        `  jobs take ${options.jobSeconds} s; content mode ${options.contentMode}; Ctrl-C stops\n`,
    );
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sora-emulator: ${message}\n`);
  process.exit(1);
});
