// Jobs files too big to hold: `sora-kit batch` over a generated 200 MB jobs file (100 000 lines of 2 000
// bytes, the last one invalid, so the whole file is read and checked and nothing is sent), and over a file
// with one 50 MB line (refused by the 1 MiB line limit). Whole processes, alternating in rounds with a bare
// Node process that only streams the same file and counts its lines (the floor of reading it); the figures
// are the CLI's peak RSS (GNU time) and its time as the median of the rounds' ratios to that floor.
// The CLI talks to an emulator in this process, whose request log must stay empty. Temporary files are
// removed at the end.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@sora-kit/emulator';
import { pairRuns, runProcess } from '../../../scripts/bench/harness.mjs';
import { CLI } from './util.mjs';

const ROUNDS = Number(process.env.BENCH_JOBS_FILE_RUNS ?? 3);
const KEY = 'sk-bench';
const JOBS = 100_000;
const LONG_LINE_MIB = 50;

/** The floor: stream the file and count its newlines (Buffer#indexOf, native), nothing else. */
const COUNT_LINES = `
  import { createReadStream } from 'node:fs';
  let lines = 0;
  for await (const chunk of createReadStream(process.argv[1]))
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  console.log(lines);
`;

/** Writes `parts()` (strings) to `path`, respecting back-pressure. */
async function writeFile(path, parts) {
  const stream = createWriteStream(path);
  for (const part of parts())
    if (!stream.write(part)) await new Promise((resolve) => stream.once('drain', resolve));
  stream.end();
  await new Promise((resolve, reject) => {
    stream.once('close', resolve);
    stream.once('error', reject);
  });
  return (await stat(path)).size;
}

/** 100 000 lines of 2 000 bytes; the last prompt is only whitespace, so the check reads to the end. */
function* bigFile() {
  const prompt = 'a tiger breaks into a farmyard at dawn; '.repeat(50).slice(0, 1980);
  const block = `${JSON.stringify({ prompt })}\n`.repeat(1000);
  for (let i = 0; i < JOBS / 1000 - 1; i++) yield block;
  yield `${JSON.stringify({ prompt })}\n`.repeat(999);
  yield `${JSON.stringify({ prompt: '   ' })}\n`;
}

/** A valid first line, one line of 50 MiB, a valid last line. */
function* longLineFile() {
  yield '"first"\n{"prompt": "';
  const chunk = 'x'.repeat(2 ** 20);
  for (let i = 0; i < LONG_LINE_MIB; i++) yield chunk;
  yield '"}\n"last"\n';
}

export async function benchJobsFile() {
  const emulator = await startEmulator({ port: 0, apiKey: KEY, quiet: true });
  const dir = await mkdtemp(join(tmpdir(), 'sora-kit-bench-jobs-'));
  try {
    const measure = async (file, expected) => {
      const floor = async () => {
        const run = await runProcess(process.execPath, ['--input-type=module', '-e', COUNT_LINES, file]);
        if (run.code !== 0) throw new Error(`the line count exited ${run.code}: ${run.stderr}`);
        return run;
      };
      const cli = async () => {
        const run = await runProcess(process.execPath, [CLI, 'batch', file, '--out-dir', join(dir, 'out')], {
          env: { SORA_API_KEY: KEY, SORA_BASE_URL: emulator.url },
        });
        // Refused (exit 2) with the line named, and nothing sent: otherwise the figure measures something else.
        if (run.code !== 2 || !expected.test(run.stderr))
          throw new Error(`sora-kit batch exited ${run.code} without ${expected}: ${run.stderr.slice(-500)}`);
        if (emulator.requests().length) throw new Error('sora-kit batch sent a request');
        return run;
      };
      await floor(); // the file is in the page cache for both
      return pairRuns({ floor, cli }, { baseline: 'floor', rounds: ROUNDS });
    };
    const bigPath = join(dir, 'big.jsonl');
    const bigBytes = await writeFile(bigPath, bigFile);
    const big = await measure(bigPath, new RegExp(`line ${JOBS}: Invalid value for 'prompt'`));
    await rm(bigPath);
    const longPath = join(dir, 'long-line.jsonl');
    const longBytes = await writeFile(longPath, longLineFile);
    const long = await measure(longPath, /line 2: \d+ bytes, longer than the limit of 1048576/);
    return { rounds: ROUNDS, jobs: JOBS, bigBytes, big, longLineMiB: LONG_LINE_MIB, longBytes, long };
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchJobsFile());
