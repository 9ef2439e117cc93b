// A batch of 100 short jobs at concurrency 10 through `sora-kit batch`, against the emulator (run in
// this process; the CLI is a process of its own) with a fixed job time. Target: wall time within 1.3x of the ideal.
//
// The ideal is what 10 perfect workers would need if nothing but the work itself took time: 10 waves
// of (job time + one download), where the job time is the emulator's fixed render time and the download
// time is measured with curl on a freshly completed job (the emulator encodes each MP4 on its first
// download, so that is part of the work). Everything else — process start, creates, polling delay
// after completion, manifest fsyncs, the emulator serving ten workers at once — counts against the CLI.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@sora-kit/emulator';
import { median, runProcess } from '../../../scripts/bench/harness.mjs';
import { CLI } from './util.mjs';

const JOBS = Number(process.env.BENCH_BATCH_JOBS ?? 100);
const CONCURRENCY = 10;
const JOB_SECONDS = Number(process.env.BENCH_JOB_SECONDS ?? 3);
const KEY = 'sk-bench';

export async function benchBatch() {
  const emulator = await startEmulator({ port: 0, jobSeconds: JOB_SECONDS, apiKey: KEY, quiet: true });
  const dir = await mkdtemp(join(tmpdir(), 'sora-kit-bench-batch-'));
  try {
    // One download of a fresh job, three times: the emulator's encode plus the transfer.
    const downloads = [];
    for (let i = 0; i < 3; i++) {
      const created = await fetch(`${emulator.url}/v1/videos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: `probe ${i}` }),
      }).then((r) => r.json());
      await new Promise((resolve) => setTimeout(resolve, JOB_SECONDS * 1000 + 50));
      const curl = await runProcess('curl', [
        '-s',
        '-o',
        join(dir, 'probe.mp4'),
        '-H',
        `Authorization: Bearer ${KEY}`,
        `${emulator.url}/v1/videos/${created.id}/content`,
      ]);
      downloads.push(curl.ms);
    }
    const downloadMs = median(downloads);
    const ideal = Math.ceil(JOBS / CONCURRENCY) * (JOB_SECONDS * 1000 + downloadMs);

    const jobsFile = join(dir, 'jobs.jsonl');
    await writeFile(
      jobsFile,
      `${Array.from({ length: JOBS }, (_, i) => JSON.stringify({ prompt: `bench job ${i}` })).join('\n')}\n`,
    );
    emulator.clearRequests();
    const outDir = join(dir, 'out');
    const result = await runProcess(
      process.execPath,
      [CLI, 'batch', jobsFile, '--out-dir', outDir, '--concurrency', String(CONCURRENCY), '--quiet'],
      {
        env: { SORA_API_KEY: KEY, SORA_BASE_URL: emulator.url },
      },
    );
    if (result.code !== 0) throw new Error(`sora-kit batch exited ${result.code}: ${result.stderr}`);
    const files = (await readdir(outDir)).filter((f) => f.endsWith('.mp4')).length;
    if (files !== JOBS) throw new Error(`expected ${JOBS} files, got ${files}`);
    const posts = emulator.requests().filter((r) => r.method === 'POST').length;
    const polls = emulator
      .requests()
      .filter((r) => r.method === 'GET' && /^\/v1\/videos\/[^/]+$/.test(r.path)).length;
    const ratio = result.ms / ideal;
    const waves = Math.ceil(JOBS / CONCURRENCY);
    return {
      jobs: JOBS,
      concurrency: CONCURRENCY,
      jobSeconds: JOB_SECONDS,
      waves,
      ms: result.ms,
      ideal,
      ratio,
      downloadMs,
      posts,
      polls,
      maxRssMB: result.maxRssMB,
    };
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBatch();
