// A 512 MiB download to a file: `downloadToFile` in a child process (peak RSS measured there) against
// `curl -s -o FILE`, both from a local server that streams generated chunks (no 512 MiB buffer anywhere).
// They alternate; the figure is the median of the ratios of each pair.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SIZE = 512 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 0x5a);

function serve() {
  const server = createServer(async (_req, res) => {
    res.writeHead(200, {
      'content-type': 'video/mp4',
      'content-length': SIZE,
      etag: '"bench"',
      'accept-ranges': 'bytes',
    });
    for (let sent = 0; sent < SIZE; sent += CHUNK.length) {
      if (!res.write(CHUNK)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs a command; resolves with its wall-clock time and stdout. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve({ ms: performance.now() - started, out });
      else reject(new Error(`${command} exited with ${code}`));
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function measureDownload({ runs = 7 } = {}) {
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const dir = await mkdtemp(join(tmpdir(), 'sora-kit-bench-'));
  try {
    const sdk = [];
    const curl = [];
    let maxRssMB = 0;
    const inProcessMs = [];
    for (let i = 0; i < runs; i++) {
      const file = join(dir, 'sdk.mp4');
      const child = await run(process.execPath, [
        join(import.meta.dirname, 'download-child.mjs'),
        base,
        file,
      ]);
      const result = JSON.parse(child.out);
      if (result.bytes !== SIZE || (await stat(file)).size !== SIZE) throw new Error('incomplete download');
      sdk.push(child.ms);
      inProcessMs.push(result.ms);
      maxRssMB = Math.max(maxRssMB, result.maxRssMB);
      await rm(file);
      const curlFile = join(dir, 'curl.mp4');
      curl.push((await run('curl', ['-s', '-o', curlFile, `${base}/v1/videos/video_bench/content`])).ms);
      if ((await stat(curlFile)).size !== SIZE) throw new Error('incomplete curl download');
      await rm(curlFile);
    }
    return {
      mebibytes: SIZE / 2 ** 20,
      maxRssMB,
      sdkWallMs: median(sdk),
      sdkInProcessMs: median(inProcessMs),
      curlWallMs: median(curl),
      // Each download against the curl run beside it (which saw about the same load on a shared machine);
      // the call's own time, since a process that calls downloadToFile has started long before.
      timeRatio: median(inProcessMs.map((ms, i) => ms / curl[i])),
      wallRatio: median(sdk.map((ms, i) => ms / curl[i])),
    };
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
