// A 512 MiB download to a file, whole processes against `curl -s -o FILE` of the same URL: core's
// `downloadToFile` (download-child.mjs, which also reports its in-call time), and the plain Node pipeline
// (plain-download.mjs) as a reference. The file server is a plain node:http server in a process of its
// own (scripts/bench/file-server.mjs). They alternate in rounds; each figure is the median of the rounds'
// ratios to curl, and the peak RSS the largest of the process's (GNU time).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pairRuns, ROOT, runProcess, startServer } from '../../../scripts/bench/harness.mjs';

const MIB = 512;
const SIZE = MIB * 2 ** 20;

export async function measureDownload({ rounds = 9 } = {}) {
  const server = await startServer(process.execPath, [
    join(ROOT, 'scripts/bench/file-server.mjs'),
    String(MIB),
  ]);
  const url = `${server.url}/v1/videos/video_bench/content`;
  const dir = await mkdtemp(join(tmpdir(), 'sora-kit-bench-'));
  /** Runs one contender, checks its file is whole, and removes it (so the next starts from the same state). */
  const contender = (name, command, args) => async () => {
    const file = join(dir, `${name}.mp4`);
    const run = await runProcess(command, args(file));
    if (run.code !== 0) throw new Error(`${name} exited with ${run.code}: ${run.stderr}`);
    if ((await stat(file)).size !== SIZE) throw new Error(`${name}: incomplete download`);
    await rm(file);
    return run;
  };
  const here = (file) => join(import.meta.dirname, file);
  try {
    const results = await pairRuns(
      {
        curl: contender('curl', 'curl', (file) => ['-s', '-o', file, url]),
        downloadToFile: contender('downloadToFile', process.execPath, (file) => [
          here('download-child.mjs'),
          server.url,
          file,
        ]),
        'http.get → createWriteStream': contender('plain', process.execPath, (file) => [
          here('plain-download.mjs'),
          url,
          file,
        ]),
      },
      { baseline: 'curl', rounds },
    );
    return { mebibytes: MIB, rounds, ...results };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
