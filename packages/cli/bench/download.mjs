// 512 MiB through `sora-kit download` against `curl -s -o FILE`, from the same local server, interleaved
// (curl, then a bare script calling core's `downloadToFile`, then the CLI, in each round), 5 rounds. The
// figure is the median of each round's CLI/curl ratio, which cancels most of the load of a shared machine;
// the bare script separates what the CLI adds from what core's download costs. The CLI's peak memory is
// its process's peak RSS (GNU time).
// The emulator renders real (small) MP4s, so a 512 MiB asset comes from a minimal server that speaks the
// content endpoint: `GET /v1/videos/{id}/content` streams generated 1 MiB chunks with Content-Length and a
// strong ETag (no 512 MiB buffer anywhere). Targets: peak RSS under 150 MB; time within 1.5x of curl.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, fmt, hasTime, median, report, run } from './util.mjs';

const SIZE = 512 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 0x5a);
const RUNS = Number(process.env.BENCH_DOWNLOAD_RUNS ?? 5);

/** `downloadToFile` alone, in a process of its own: node --input-type=module -e CORE_ONLY <base> <path>. */
const CORE_ONLY = `
  import { createSoraClient } from '@sora-kit/core';
  import { downloadToFile } from '@sora-kit/core/node';
  const [base, path] = process.argv.slice(1);
  await downloadToFile(createSoraClient({ apiKey: 'bench', baseUrl: base }), 'video_bench', path, { overwrite: true });
`;

function serve() {
  const server = createServer(async (req, res) => {
    if (!/^\/v1\/videos\/video_bench\/content(\?|$)/.test(req.url ?? '')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        '{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":"not_found"}}',
      );
      return;
    }
    res.writeHead(200, {
      'content-type': 'video/mp4',
      'content-length': SIZE,
      etag: '"bench-512"',
      'accept-ranges': 'bytes',
    });
    for (let sent = 0; sent < SIZE; sent += CHUNK.length) {
      if (!res.write(CHUNK)) await new Promise((resolve) => res.once('drain', resolve));
      if (res.destroyed) return;
    }
    res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function benchDownload() {
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const dir = await mkdtemp(join(tmpdir(), 'sora-kit-bench-'));
  const cli = [];
  const curl = [];
  const core = [];
  const pkgDir = new URL('..', import.meta.url).pathname;
  try {
    for (let i = 0; i < RUNS; i++) {
      const curlFile = join(dir, 'curl.mp4');
      const c = await run('curl', [
        '-s',
        '-o',
        curlFile,
        '-H',
        'Authorization: Bearer bench',
        `${base}/v1/videos/video_bench/content`,
      ]);
      if (c.code !== 0 || (await stat(curlFile)).size !== SIZE) throw new Error(`curl failed (${c.code})`);
      curl.push(c);
      await rm(curlFile);

      const coreFile = join(dir, 'core.mp4');
      const b = await run(process.execPath, ['--input-type=module', '-e', CORE_ONLY, base, coreFile], {
        cwd: pkgDir,
      });
      if (b.code !== 0 || (await stat(coreFile)).size !== SIZE)
        throw new Error(`downloadToFile failed (${b.code}): ${b.stderr}`);
      core.push(b);
      await rm(coreFile);

      const cliFile = join(dir, 'cli.mp4');
      const k = await run(
        process.execPath,
        [CLI, 'download', 'video_bench', '--output', cliFile, '--quiet'],
        {
          env: { SORA_API_KEY: 'bench', SORA_BASE_URL: base },
        },
      );
      if (k.code !== 0 || (await stat(cliFile)).size !== SIZE)
        throw new Error(`sora-kit download failed (${k.code}): ${k.stderr}`);
      cli.push(k);
      await rm(cliFile);
    }
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
  const cliMs = median(cli.map((r) => r.ms));
  const curlMs = median(curl.map((r) => r.ms));
  const rss = Math.max(...cli.map((r) => r.maxRssMB));
  const coreMs = median(core.map((r) => r.ms));
  const ratio = median(cli.map((r, i) => r.ms / curl[i].ms));
  const overCore = median(cli.map((r, i) => r.ms / core[i].ms));
  report(
    'download 512 MiB: time vs curl',
    `${fmt(cliMs / 1000, 2)} s vs ${fmt(curlMs / 1000, 2)} s = ${fmt(ratio, 2)}x`,
    '<= 1.5x',
    ratio <= 1.5,
  );
  console.log(
    `     core's downloadToFile alone: ${fmt(coreMs / 1000, 2)} s (${fmt(median(core.map((r, i) => r.ms / curl[i].ms)), 2)}x curl); the CLI over it: ${fmt(overCore, 2)}x`,
  );
  if (hasTime)
    report(
      'download 512 MiB: peak RSS of sora-kit',
      `${fmt(rss)} MB (curl ${fmt(Math.max(...curl.map((r) => r.maxRssMB)))} MB)`,
      '< 150 MB',
      rss < 150,
    );
  else console.log('skip download peak RSS: /usr/bin/time (GNU time) is not installed');
  return { cliMs, curlMs, coreMs, ratio, overCore, maxRssMB: rss };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDownload();
