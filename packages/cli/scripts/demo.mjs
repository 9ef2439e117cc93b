#!/usr/bin/env node
// `pnpm demo` (from the repository root, after the build): the quick start. It runs the built CLI on the
// provider's own example prompt — a fierce tiger breaks into a farmyard, the dog runs, the cat drives the
// tiger off — and writes a playable MP4 to tmp/demo/tiger.mp4, with the live progress display.
//
// Without SORA_API_KEY it uses the emulator embedded in the CLI (`--emulator`): offline, free, a few
// seconds. With SORA_API_KEY set it calls the real API (SORA_BASE_URL, else https://api.gpt.ge), which
// renders — and bills — one 8-second video; it says so and gives you a few seconds to press Ctrl-C.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROMPT = '一只凶猛的老虎破门闯入农家小院,土狗吓得跑开,猫咪跳出来击败吓跑老虎。';
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const real = Boolean(process.env.SORA_API_KEY?.trim());
const args = [
  'generate',
  PROMPT,
  '--seconds',
  '8',
  '--size',
  '1280x720',
  '--output',
  'tmp/demo/tiger.mp4',
  '--force',
];
if (!real) args.push('--emulator', '--job-seconds', '4');

const shown = args.map((a) => (/^[\w./:-]+$/.test(a) ? a : `"${a}"`)).join(' ');
process.stderr.write(`$ sora-kit ${shown}\n`);
if (real) {
  process.stderr.write(
    `SORA_API_KEY is set, so this renders a real (billed) 8 s video on ${process.env.SORA_BASE_URL || 'https://api.gpt.ge'}.\n` +
      'Unset SORA_API_KEY to run it on the embedded emulator instead.\n',
  );
  if (process.stdin.isTTY) {
    process.stderr.write('Starting in 5 s; Ctrl-C to stop.\n');
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}
const { status, signal } = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
if (status === 0) process.stderr.write('Play it: tmp/demo/tiger.mp4 (any video player, or a browser)\n');
process.exit(status ?? (signal === 'SIGINT' ? 130 : 1));
