#!/usr/bin/env node
// Speed figures of the built emulator (dist/), each printed with a ratio against a baseline measured in
// the same process, so that the machine's speed cancels out:
// - retrieve: requests/s of GET /v1/videos/{id} on loopback, against a bare node:http server answering
//   the same JSON (the emulator's cost over the floor: routing, validation, auth, log);
// - create: requests/s of a JSON create (spec validation of the body included), against that baseline too;
// - download: MB/s of a cached 1792x1024 12 s MP4, against the bare server sending the same bytes;
// - start-up: startEmulator() to listening (Ajv compiles the spec's validators here), and close().
// Bounded loops (a fixed number of requests, a fixed concurrency): no timed thresholds, just figures.
import { Agent, createServer, request } from 'node:http';
import { startEmulator } from '../dist/index.js';

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

async function bareServer(body, contentType) {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

const line = (name, value, unit, baseline) =>
  console.log(
    `${name.padEnd(34)} ${value.toFixed(value < 100 ? 1 : 0).padStart(9)} ${unit.padEnd(6)}` +
      (baseline
        ? `  ${(value / baseline).toFixed(2)}x the bare node:http baseline (${baseline.toFixed(0)} ${unit})`
        : ''),
  );

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
line('start-up, first (module load)', startups[0].up, 'ms');
line('start-up, warm (median)', warm.map((s) => s.up).sort((a, b) => a - b)[2], 'ms');
line('close (median)', warm.map((s) => s.close).sort((a, b) => a - b)[2], 'ms');

const emulator = await startEmulator({ jobSeconds: 0, quiet: true, requestLogLimit: 1000 });
const created = await fetch(`${emulator.url}/v1/videos`, {
  method: 'POST',
  headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
  body: JSON.stringify({ prompt: 'a benchmark', model: 'sora-2-pro', size: '1792x1024', seconds: '12' }),
});
const video = await created.json();
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

const baseJson = await load(5000, () => send(bareJson.url));
const retrieve = await load(5000, () => send(retrieveUrl));
line('retrieve (GET /v1/videos/{id})', retrieve.perSecond, 'req/s', baseJson.perSecond);

const createBody = JSON.stringify({ prompt: 'a tiger in a farmyard', seconds: '8', size: '1280x720' });
const createHeaders = { 'content-type': 'application/json' };
const baseCreate = await load(3000, () =>
  send(bareJson.url, { method: 'POST', body: createBody, headers: createHeaders }),
);
const create = await load(3000, () =>
  send(`${emulator.url}/v1/videos`, { method: 'POST', body: createBody, headers: createHeaders }),
);
line('create (POST /v1/videos, JSON)', create.perSecond, 'req/s', baseCreate.perSecond);

const baseDownload = await load(200, () => send(bareMp4.url));
const download = await load(200, () => send(`${retrieveUrl}/content`));
line(
  `download (${(mp4.length / 1e6).toFixed(1)} MB MP4, cached)`,
  download.mbPerSecond,
  'MB/s',
  baseDownload.mbPerSecond,
);

const rss = process.memoryUsage().rss / 1e6;
line(`rss after ${emulator.videos().length} jobs`, rss, 'MB');

await Promise.all([emulator.close(), bareJson.close(), bareMp4.close()]);
agent.destroy();

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
  line(
    `render ${width}x${height} 12 s MP4`,
    median(() => renderVideo(options)),
    'ms',
  );
  line(
    `render ${width}x${height} WebP thumbnail`,
    median(() => renderThumbnail(options)),
    'ms',
  );
  line(
    `render ${width}x${height} JPEG spritesheet`,
    median(() => renderSpritesheet(options)),
    'ms',
  );
}
