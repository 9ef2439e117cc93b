// `sora-kit --help` start-up against a bare `node -e 0`, interleaved so both see the same machine load;
// medians of N runs each. Target: at most 3x.
import { CLI, fmt, median, report, run } from './util.mjs';

const N = Number(process.env.BENCH_RUNS ?? 25);

export async function benchStartup() {
  const bare = [];
  const help = [];
  await run(process.execPath, [CLI, '--help']); // warm the file cache
  for (let i = 0; i < N; i++) {
    bare.push((await run(process.execPath, ['-e', '0'])).ms);
    const result = await run(process.execPath, [CLI, '--help']);
    if (result.code !== 0) throw new Error(`sora-kit --help exited ${result.code}`);
    help.push(result.ms);
  }
  const ratio = median(help) / median(bare);
  report(
    'startup: sora-kit --help vs node -e 0',
    `${fmt(median(help))} ms vs ${fmt(median(bare))} ms = ${fmt(ratio, 2)}x`,
    '<= 3x',
    ratio <= 3,
  );
  return { helpMs: median(help), bareMs: median(bare), ratio };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchStartup();
