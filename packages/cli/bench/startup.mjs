// `sora-kit --help` start-up against a bare `node -e 0`, whole processes alternating in rounds (both see
// the same machine load); the figure is the median of the rounds' ratios.
import { pairRuns, runProcess } from '../../../scripts/bench/harness.mjs';
import { CLI } from './util.mjs';

const N = Number(process.env.BENCH_RUNS ?? 25);

export async function benchStartup() {
  await runProcess(process.execPath, [CLI, '--help']); // warm the file cache
  const ok = (run, what) => {
    if (run.code !== 0) throw new Error(`${what} exited ${run.code}`);
    return run;
  };
  return pairRuns(
    {
      'node -e 0': async () => ok(await runProcess(process.execPath, ['-e', '0']), 'node -e 0'),
      'sora-kit --help': async () =>
        ok(await runProcess(process.execPath, [CLI, '--help']), 'sora-kit --help'),
    },
    { baseline: 'node -e 0', rounds: N },
  );
}
