#!/usr/bin/env node
// Speed figures of the built emulator (dist/), each printed with a ratio against a baseline measured in
// the same run, so that the machine's speed cancels out, and recorded for BENCHMARKS.md (scripts/bench).
// The emulator (its bin) and the baseline server each run in a process of their own, apart from the
// load generator here:
// - retrieve: requests/s of GET /v1/videos/{id} on loopback, against a bare node:http server answering
//   the same JSON (the emulator's cost over the floor: routing, validation, auth, log);
// - create: requests/s of a JSON create (spec validation of the body included), against that baseline too;
// - download: MB/s of a cached 1792x1024 12 s MP4, against the bare server sending the same bytes;
// - start-up: startEmulator() to listening (the first loads the modules; the validators are precompiled),
//   and close().
// Then media render times, and last the memory at rest as jobs pile up (bench/memory.mjs, about two and a
// half minutes), all recorded with this one recorder: a package's results file is written once per run.
// Bounded loops (a fixed number of requests, a fixed concurrency): no timed thresholds, just figures.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecorder, startServer } from '../../../scripts/bench/harness.mjs';
import { startEmulator } from '../dist/index.js';
import { measureMemory } from './memory.mjs';

const bench = createRecorder(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sora-emulator-bench-'));

const CONCURRENCY = 8;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** One request with node:http (lighter than fetch, so the client does not hide the server's cost). */
function send(url, { method = 'GET', body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent, headers: { authorization: 'Bearer bench', ...headers } },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk) => {
          bytes += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode, bytes }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `total` requests, `CONCURRENCY` at a time; answers requests/s and bytes received. */
async function load(total, make) {
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        next++;
        const answer = await make();
        if (answer.status >= 400) throw new Error(`status ${answer.status}`);
        bytes += answer.bytes;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: total / seconds, mbPerSecond: bytes / 1e6 / seconds };
}

/** The bare node:http baseline, in a process of its own, answering `body`. */
async function bareServer(body, contentType) {
  const file = join(scratch, `body-${contentType.replace('/', '-')}`);
  writeFileSync(file, body);
  return startServer(process.execPath, [
    new URL('./bare-server.mjs', import.meta.url).pathname,
    file,
    contentType,
  ]);
}

/** Peak resident memory of a child process so far (MB), from /proc. */
const rssOf = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/** Prints and records a figure: `value` in `unit`, and its ratio to the baseline's when there is one. */
function line(id, title, value, unit, { baseline, summary, blocks } = {}) {
  const shown = `${value.toFixed(value < 100 ? 1 : 0)} ${unit}`;
  const ratio = baseline ? value / baseline : undefined;
  const spread = blocks
    ? ` (blocks ${Math.min(...blocks).toFixed(2)}-${Math.max(...blocks).toFixed(2)})`
    : '';
  bench.add({
    id: `emulator.${id}`,
    title,
    measured: baseline
      ? `${shown}, ${ratio.toFixed(2)}x the bare node:http server's ${baseline.toFixed(0)} ${unit}${spread}`
      : shown,
    ratio,
    summary,
  });
}

/**
 * Throughput of `make` against the baseline's, alternating in blocks of `total / blocks` requests (both
 * see the same load); the ratio is the median of the blocks' ratios.
 */
async function alternate(makeBase, make, total, blocks = 5) {
  const ratios = [];
  const runs = { base: [], emu: [] };
  for (let b = 0; b < blocks; b++) {
    const base = await load(total / blocks, makeBase);
    const emu = await load(total / blocks, make);
    runs.base.push(base);
    runs.emu.push(emu);
    ratios.push(emu.perSecond / base.perSecond);
  }
  const mid = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  return {
    ratios,
    ratio: mid(ratios),
    base: {
      perSecond: mid(runs.base.map((r) => r.perSecond)),
      mbPerSecond: mid(runs.base.map((r) => r.mbPerSecond)),
    },
    emu: {
      perSecond: mid(runs.emu.map((r) => r.perSecond)),
      mbPerSecond: mid(runs.emu.map((r) => r.mbPerSecond)),
    },
  };
}

// Start-up and close, a few times (the first includes module loading, reported apart).
const startups = [];
for (let i = 0; i < 6; i++) {
  const started = performance.now();
  const emulator = await startEmulator({ quiet: true });
  const up = performance.now() - started;
  const closing = performance.now();
  await emulator.close();
  startups.push({ up, close: performance.now() - closing });
}
const warm = startups.slice(1);
line('startup-first', '`startEmulator()`, first in a process (loads the modules)', startups[0].up, 'ms');
line(
  'startup-warm',
  '`startEmulator()` again (median)',
  warm.map((s) => s.up).sort((a, b) => a - b)[2],
  'ms',
);
line('close', '`close()` (median)', warm.map((s) => s.close).sort((a, b) => a - b)[2], 'ms');

const emulator = await startServer(process.execPath, [
  new URL('../dist/bin.js', import.meta.url).pathname,
  ...['--port', '0', '--job-seconds', '0', '--quiet'],
]);
let jobs = 0;
const created = await fetch(`${emulator.url}/v1/videos`, {
  method: 'POST',
  headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
  body: JSON.stringify({ prompt: 'a benchmark', model: 'sora-2-pro', size: '1792x1024', seconds: '12' }),
});
const video = await created.json();
jobs++;
const retrieveUrl = `${emulator.url}/v1/videos/${video.id}`;
const videoJson = Buffer.from(
  await (await fetch(retrieveUrl, { headers: { authorization: 'Bearer bench' } })).text(),
);
const mp4 = new Uint8Array(
  await (await fetch(`${retrieveUrl}/content`, { headers: { authorization: 'Bearer bench' } })).arrayBuffer(),
);

const bareJson = await bareServer(videoJson, 'application/json');
const bareMp4 = await bareServer(mp4, 'video/mp4');
await load(500, () => send(bareJson.url)); // warm-up
await load(500, () => send(retrieveUrl));

const retrieve = await alternate(
  () => send(bareJson.url),
  () => send(retrieveUrl),
  5000,
);
line(
  'retrieve',
  'retrieve (`GET /v1/videos/{id}`): routing, auth, request log, view',
  retrieve.emu.perSecond,
  'req/s',
  {
    baseline: retrieve.base.perSecond,
    blocks: retrieve.ratios,
    summary: true,
  },
);

const createBody = JSON.stringify({ prompt: 'a tiger in a farmyard', seconds: '8', size: '1280x720' });
const createHeaders = { 'content-type': 'application/json' };
const create = await alternate(
  () => send(bareJson.url, { method: 'POST', body: createBody, headers: createHeaders }),
  () => {
    jobs++;
    return send(`${emulator.url}/v1/videos`, { method: 'POST', body: createBody, headers: createHeaders });
  },
  3000,
);
line(
  'create',
  'create (`POST /v1/videos`, JSON body validated against the spec)',
  create.emu.perSecond,
  'req/s',
  {
    baseline: create.base.perSecond,
    blocks: create.ratios,
  },
);

const download = await alternate(
  () => send(bareMp4.url),
  () => send(`${retrieveUrl}/content`),
  200,
);
line(
  'download',
  `download of a cached ${(mp4.length / 1e6).toFixed(1)} MB MP4`,
  download.emu.mbPerSecond,
  'MB/s',
  {
    baseline: download.base.mbPerSecond,
    blocks: download.ratios,
  },
);

line('memory', `peak RSS of the emulator's process after ${jobs} jobs`, rssOf(emulator.child.pid), 'MB');

await Promise.all([emulator.close(), bareJson.close(), bareMp4.close()]);
agent.destroy();
rmSync(scratch, { recursive: true, force: true });

// Media render times (warm medians of 5): what a job's first download costs the emulator. No
// baseline exists in-process (there is no encoder to compare with), so these are plain figures.
const { renderVideo, renderThumbnail, renderSpritesheet } = await import('../dist/media/index.js');
const label = `video_68d2f1a7c5e08190b1f8a3b0c7e6d5f4\n${'A fierce tiger breaks into a farmyard. '.repeat(3)}`;
const median = (render) => {
  render();
  const times = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    render();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[2];
};
for (const [width, height] of [
  [1280, 720],
  [1792, 1024],
]) {
  const options = { width, height, seconds: 12, label };
  const at = `${width}x${height}`;
  line(
    `render-mp4-${width}`,
    `render a 12 s ${at} MP4 (pure TypeScript)`,
    median(() => renderVideo(options)),
    'ms',
    {
      summary: width === 1792,
    },
  );
  line(
    `render-webp-${width}`,
    `render the ${at} WebP thumbnail`,
    median(() => renderThumbnail(options)),
    'ms',
  );
  line(
    `render-jpeg-${width}`,
    `render the ${at} JPEG spritesheet`,
    median(() => renderSpritesheet(options)),
    'ms',
  );
}

await measureMemory(bench);

bench.save();
