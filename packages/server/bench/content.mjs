// Media through the handler: `curl -s -o /dev/null` of a video's /content, whole processes alternating in
// rounds (the harness's `pairRuns`), from
//   direct    the origin itself (scripts/bench/file-server.mjs, a plain node:http server, own process)
//   handler   the handler behind its Node adapter in front of that origin (children.mjs, own process)
//   floor     the least a Node proxy can do in front of it (children.mjs, own process)
// Each figure is the median of the rounds' time ratios to `direct`. The peak resident memory of the
// handler's and the floor's processes are read from /proc after every round (rss.mjs). A second, fresh
// handler process streams a smaller video the same number of times: if its peak is the same, nothing grows
// with the size of the download.
import { join } from 'node:path';
import { pairRuns, ROOT, runProcess, startServer } from '../../../scripts/bench/harness.mjs';
import { peakRssMB, rssMB } from './rss.mjs';

const CHILDREN = new URL('./children.mjs', import.meta.url).pathname;
const FILE_SERVER = join(ROOT, 'scripts/bench/file-server.mjs');
const KEY = 'sk-bench-0123456789';
const PATH = '/v1/videos/video_bench/content';

/** One `curl` download of `url`, checked whole. */
async function curl(url, size) {
  const run = await runProcess('curl', ['-s', '-f', '-o', '/dev/null', '-w', '%{size_download}', url]);
  if (run.code !== 0 || Number(run.stdout) !== size)
    throw new Error(`curl ${url}: exit ${run.code}, ${run.stdout} bytes of ${size}`);
  return run;
}

/** Starts the origin of `mebibytes`, the handler's process in front of it and (`withFloor`) the floor's. */
async function startAll(mebibytes, withFloor = true) {
  const origin = await startServer(process.execPath, [FILE_SERVER, String(mebibytes)]);
  const [handler, floor] = await Promise.all([
    startServer(process.execPath, [CHILDREN, 'handler', origin.url, KEY, 'video_bench']),
    withFloor ? startServer(process.execPath, [CHILDREN, 'floor', origin.url]) : undefined,
  ]);
  return {
    origin,
    handler,
    floor,
    close: async () => {
      await Promise.all([handler.close(), floor?.close()]);
      await origin.close();
    },
  };
}

export async function measureContent({ mebibytes = 512, smallMebibytes = 64, rounds = 5 } = {}) {
  const size = mebibytes * 2 ** 20;
  const servers = await startAll(mebibytes);
  const { origin, handler, floor } = servers;
  try {
    const idleRssMB = rssMB(handler.child.pid);
    const floorIdleRssMB = rssMB(floor.child.pid);
    const results = await pairRuns(
      {
        direct: () => curl(`${origin.url}${PATH}`, size),
        handler: () => curl(`${handler.url}/api/sora${PATH}`, size),
        floor: () => curl(`${floor.url}/api/sora${PATH}`, size),
      },
      { baseline: 'direct', rounds },
    );
    const peak = { handler: peakRssMB(handler.child.pid), floor: peakRssMB(floor.child.pid) };
    return {
      mebibytes,
      rounds,
      ...results,
      idleRssMB,
      floorIdleRssMB,
      peakRssMB: peak.handler,
      floorPeakRssMB: peak.floor,
      small: await measureSmall(smallMebibytes, rounds),
    };
  } finally {
    await servers.close();
  }
}

/** Peak RSS of a fresh handler process that streams `mebibytes` `rounds` times. */
async function measureSmall(mebibytes, rounds) {
  const size = mebibytes * 2 ** 20;
  const servers = await startAll(mebibytes, false);
  try {
    for (let i = 0; i < rounds; i++) await curl(`${servers.handler.url}/api/sora${PATH}`, size);
    return { mebibytes, peakRssMB: peakRssMB(servers.handler.child.pid) };
  } finally {
    await servers.close();
  }
}
