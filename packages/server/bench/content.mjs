// 512 MiB of content through the handler (Node adapter, its own process) against the same download
// straight from the stand-in API (its own process): peak RSS of the handler's process and the time ratio.
import { fileURLToPath } from 'node:url';
import { startChild } from './spawn.mjs';

const children = fileURLToPath(new URL('./children.mjs', import.meta.url));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function download(url) {
  const start = performance.now();
  const response = await fetch(url);
  let bytes = 0;
  for await (const chunk of response.body) bytes += chunk.length;
  return { ms: performance.now() - start, bytes };
}

export async function measureContent({ mebibytes = Number(process.env.BENCH_MIB ?? 512), runs = 5 } = {}) {
  const size = mebibytes * 1024 * 1024;
  const media = await startChild(process.execPath, [children, 'media'], { SIZE: String(size) });
  const proxy = await startChild(process.execPath, [children, 'handler', media.url], {}, true);
  const pipe = await startChild(process.execPath, [children, 'pipe', media.url], {}, true);
  const rssOf = (server) =>
    new Promise((resolve) => {
      server.child.once('message', (m) => resolve(m.maxRssMB));
      server.child.send('rss');
    });
  const rssNow = () => rssOf(proxy);
  try {
    const idleRssMB = await rssNow();
    const direct = [];
    const through = [];
    const piped = [];
    for (let run = 0; run < runs; run++) {
      const a = await download(`${media.url}/v1/videos/video_bench/content`);
      const b = await download(`${proxy.url}/api/sora/v1/videos/video_bench/content`);
      const c = await download(`${pipe.url}/api/sora/v1/videos/video_bench/content`);
      if (a.bytes !== size || b.bytes !== size || c.bytes !== size)
        throw new Error(`short download of ${size}`);
      direct.push(a.ms);
      through.push(b.ms);
      piped.push(c.ms);
    }
    const maxRssMB = await rssNow();
    const pipeRssMB = await rssOf(pipe);
    return {
      pipeMs: median(piped),
      pipeRatio: median(piped.map((t, i) => t / direct[i])),
      pipeRssMB,
      idleRssMB,
      mebibytes,
      directMs: median(direct),
      throughMs: median(through),
      ratio: median(through.map((t, i) => t / direct[i])),
      maxRssMB,
    };
  } finally {
    proxy.child.kill();
    pipe.child.kill();
    media.child.kill();
  }
}
