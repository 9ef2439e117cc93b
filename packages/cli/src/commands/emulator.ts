/**
 * `sora-kit emulator [flags]`: runs `@sora-kit/emulator`'s own command line (`sora-emulator`) with the
 * flags as given, so both accept the same flags. The emulator package exports `startEmulator` but not
 * its argument parser, so its bin runs as a child process (stdin and stderr shared, stdout read line by
 * line and passed on); Ctrl-C reaches it through the terminal, and a SIGINT/SIGTERM sent to this process
 * is passed on.
 *
 * Two things make it a `sora-kit` command rather than a second program:
 * - the flags and help speak `sora-kit`: `-v`/`--verbose` is `--log-requests`, `-q` is `--quiet`, `-V`
 *   is `--version` (`sora-emulator` uses `-v` for its version), and the help says `sora-kit emulator`;
 * - while it runs it is recorded (see `emulator-state.ts`), so that `--emulator` of every other command
 *   talks to it: `status <id> --emulator` finds the job that `generate --emulator` made.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CommandEnv } from '../command-env.js';
import { emulatorStateDir, recordRunningEmulator } from '../emulator-state.js';

async function emulatorBin(): Promise<string> {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@sora-kit/emulator/package.json');
  const pkg = JSON.parse(await readFile(manifest, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['sora-emulator'];
  if (!bin) throw new Error('@sora-kit/emulator has no sora-emulator bin');
  return join(dirname(manifest), bin);
}

/** `sora-kit`'s short flags, in the emulator's words. */
const ALIASES: Record<string, string> = {
  '-v': '--log-requests',
  '--verbose': '--log-requests',
  '-q': '--quiet',
  '-V': '--version',
};

/** The flags with `sora-kit`'s aliases translated (values of flags and what follows `--` are left alone). */
export function translateFlags(args: string[]): string[] {
  const end = args.indexOf('--');
  return args.map((arg, i) => {
    if (end !== -1 && i >= end) return arg;
    const previous = args[i - 1];
    // A value (`--api-key -v`) is not a flag; flags of the emulator that take one all start with `--`.
    if (previous?.startsWith('--') && !previous.includes('=') && !BOOLEAN_FLAGS.has(previous)) return arg;
    return ALIASES[arg] ?? arg;
  });
}

const BOOLEAN_FLAGS = new Set([
  '--gateway-status-names',
  '--log-requests',
  '--quiet',
  '--help',
  '--version',
  '--verbose',
]);

function flagValue(args: string[], flag: string): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (arg === flag) return args[i + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

/** Renames a flag in the help, keeping the description column where it was. */
function renameFlag(help: string, from: string, to: string): string {
  return help.replace(
    new RegExp(`^( +)${from.replace(/[-,]/g, '\\$&')}( +)`, 'm'),
    (_line, indent: string, gap: string) => {
      return `${indent}${to}${' '.repeat(Math.max(1, gap.length - (to.length - from.length)))}`;
    },
  );
}

function helpOf(emulatorHelp: string): string {
  let help = emulatorHelp.replace('Usage: sora-emulator [options]', 'Usage: sora-kit emulator [options]');
  help = renameFlag(help, '--version, -v', '--version, -V');
  help = renameFlag(help, '--log-requests', '--log-requests, -v');
  help = renameFlag(help, '--quiet', '--quiet, -q');
  return `${help.trimEnd()}

With sora-kit: -v (--verbose) is --log-requests, -q is --quiet, -V is --version.
While it runs, every sora-kit command reaches it with --emulator (no key needed), e.g. in another terminal:
  sora-kit generate --emulator "a tiger in a farmyard" --no-wait
  sora-kit status --emulator video_…
  sora-kit list --emulator
Its address is kept in ${emulatorStateDir()} until it stops.
`;
}

/** The emulator's address as a client reaches it (a server on every interface is reached on loopback). */
function clientUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

export async function run(
  args: string[],
  _options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const bin = await emulatorBin();
  const flags = translateFlags(args);
  const end = flags.indexOf('--');
  const own = end === -1 ? flags : flags.slice(0, end);
  if (own.includes('--help') || own.includes('-h')) {
    const help = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, '--help'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      child.once('error', reject);
      child.once('close', () => resolve(text));
    });
    process.stdout.write(helpOf(help));
    return 0;
  }

  const child = spawn(process.execPath, [bin, ...flags], { stdio: ['inherit', 'pipe', 'inherit'] });
  let forget: (() => Promise<void>) | undefined;
  const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  const recorded = (async () => {
    for await (const line of lines) {
      process.stdout.write(`${line}\n`);
      const listening = /^sora-emulator listening on (https?:\/\/\S+)$/.exec(line);
      if (listening && child.pid !== undefined && !forget) {
        const apiKey = flagValue(own, '--api-key');
        forget = await recordRunningEmulator({
          pid: child.pid,
          url: clientUrl(listening[1]!),
          ...(apiKey !== undefined && { apiKey }),
          startedAt: Date.now(),
        });
        if (!own.includes('--quiet'))
          process.stderr.write(
            '  other sora-kit commands use it with --emulator (see sora-kit emulator --help)\n',
          );
      }
    }
  })();
  // The trap in run-command aborts `signal` on our SIGINT/SIGTERM: pass it on, and let the emulator
  // close its listeners and decide the exit code.
  const forward = () =>
    child.kill((env.signal.reason as { signal?: NodeJS.Signals } | undefined)?.signal ?? 'SIGINT');
  env.signal.addEventListener('abort', forward, { once: true });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
    });
  } finally {
    env.signal.removeEventListener('abort', forward);
    await recorded.catch(() => {});
    await forget?.();
  }
}
