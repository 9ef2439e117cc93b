// 512 MiB through `sora-kit download` against `curl -s -o FILE` of the same URL, whole processes, alternating
// in rounds with a bare script calling core's `downloadToFile` (what the CLI adds over core). The file
// server is a plain node:http server in a process of its own (scripts/bench/file-server.mjs). Each figure
// is the median of the rounds' ratios to curl; the peak RSS is the CLI process's (GNU time).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pairRuns, ROOT, runProcess, startServer } from '../../../scripts/bench/harness.mjs';
import { CLI } from './util.mjs';

const MIB = 512;
const SIZE = MIB * 2 ** 20;
const ROUNDS = Number(process.env.BENCH_DOWNLOAD_RUNS ?? 9);

/** `downloadToFile` alone, in a process of its own: node --input-type=module -e CORE_ONLY <base> <path>. */
const CORE_ONLY = `
  import { createSoraClient } from '@sora-kit/core';
  import { downloadToFile } from '@sora-kit/core/node';
  const [base, path] = process.argv.slice(1);
  await downloadToFile(createSoraClient({ apiKey: 'bench', baseUrl: base }), 'video_bench', path, { overwrite: true });
`;

export async function benchDownload() {
  const server = await startServer(process.execPath, [
    join(ROOT, 'scripts/bench/file-server.mjs'),
    String(MIB),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'sora-kit-bench-'));
  const pkgDir = new URL('..', import.meta.url).pathname;
  const contender = (name, command, args, options) => async () => {
    const file = join(dir, `${name}.mp4`);
    const run = await runProcess(command, args(file), options);
    if (run.code !== 0) throw new Error(`${name} exited with ${run.code}: ${run.stderr}`);
    if ((await stat(file)).size !== SIZE) throw new Error(`${name}: incomplete download`);
    await rm(file);
    return run;
  };
  try {
    const results = await pairRuns(
      {
        curl: contender('curl', 'curl', (file) => [
          '-s',
          '-o',
          file,
          '-H',
          'Authorization: Bearer bench',
          `${server.url}/v1/videos/video_bench/content`,
        ]),
        core: contender(
          'core',
          process.execPath,
          (file) => ['--input-type=module', '-e', CORE_ONLY, server.url, file],
          { cwd: pkgDir },
        ),
        cli: contender(
          'cli',
          process.execPath,
          (file) => [CLI, 'download', 'video_bench', '--output', file, '--quiet'],
          {
            env: { SORA_API_KEY: 'bench', SORA_BASE_URL: server.url },
          },
        ),
      },
      { baseline: 'curl', rounds: ROUNDS },
    );
    return { mebibytes: MIB, rounds: ROUNDS, ...results };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
