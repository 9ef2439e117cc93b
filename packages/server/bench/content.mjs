// Media through the handler: `curl -s -o /dev/null` of a video's /content, whole processes alternating in
// rounds (the harness's `pairRuns`), from
//   direct        the origin itself (scripts/bench/file-server.mjs, a plain node:http server, own process)
//   handler       the handler behind its Node adapter in front of that origin (children.mjs, own process)
//   floor         the least a Node proxy can do in front of it (children.mjs, own process)
//   fetch floor   the least a proxy on `fetch`, as the handler is, can do (children.mjs, own process)
// Each figure is the median of the rounds' time ratios to `direct`. Each proxy's peak resident memory
// (VmHWM) is read from /proc after the last round, and each proxy's CPU time (user + system, from /proc)
// around each of its downloads: CPU per GiB, the handler's over the floor's round by round, is what the
// handler costs whatever else the machine is doing (wall time against curl swings with the load). A second,
// fresh handler process streams a smaller video the same number of times: if its peak is the same, nothing
// grows with a download's size.
import { join } from 'node:path';
import {
  median,
  pairRuns,
  ROOT,
  runProcess,
  startServer,
  summarize,
} from '../../../scripts/bench/harness.mjs';
import { cpuSeconds, peakRssMB, rssMB } from './rss.mjs';

const CHILDREN = new URL('./children.mjs', import.meta.url).pathname;
const FILE_SERVER = join(ROOT, 'scripts/bench/file-server.mjs');
const KEY = 'sk-bench-0123456789';
const PATH = '/v1/videos/video_bench/content';
const PROXIES = {
  handler: (origin) => [CHILDREN, 'handler', origin, KEY, 'video_bench'],
  floor: (origin) => [CHILDREN, 'floor', origin],
  'fetch floor': (origin) => [CHILDREN, 'fetch-floor', origin],
};

/** One `curl` download of `url`, checked whole. */
async function curl(url, size) {
  const run = await runProcess('curl', ['-s', '-f', '-o', '/dev/null', '-w', '%{size_download}', url]);
  if (run.code !== 0 || Number(run.stdout) !== size)
    throw new Error(`curl ${url}: exit ${run.code}, ${run.stdout} bytes of ${size}`);
  return run;
}

/** Starts the origin of `mebibytes` and the named proxies in front of it, each in its own process. */
async function startAll(mebibytes, names) {
  const origin = await startServer(process.execPath, [FILE_SERVER, String(mebibytes)]);
  const proxies = Object.fromEntries(
    await Promise.all(
      names.map(async (name) => [name, await startServer(process.execPath, PROXIES[name](origin.url))]),
    ),
  );
  return {
    origin,
    proxies,
    close: async () => {
      await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
      await origin.close();
    },
  };
}

export async function measureContent({ mebibytes = 512, smallMebibytes = 64, rounds = 5 } = {}) {
  const size = mebibytes * 2 ** 20;
  const names = Object.keys(PROXIES);
  const { origin, proxies, close } = await startAll(mebibytes, names);
  try {
    const idleRssMB = Object.fromEntries(names.map((n) => [n, rssMB(proxies[n].child.pid)]));
    const cpu = Object.fromEntries(names.map((n) => [n, []]));
    const download = (url) => () => curl(`${url}${PATH}`, size);
    /** A proxy's download, with the CPU seconds its process spent on it. */
    const viaProxy = (name) => async () => {
      const pid = proxies[name].child.pid;
      const before = cpuSeconds(pid);
      const run = await curl(`${proxies[name].url}/api/sora${PATH}`, size);
      cpu[name].push(cpuSeconds(pid) - before);
      return run;
    };
    const results = await pairRuns(
      { direct: download(origin.url), ...Object.fromEntries(names.map((n) => [n, viaProxy(n)])) },
      { baseline: 'direct', rounds },
    );
    const peak = Object.fromEntries(names.map((n) => [n, peakRssMB(proxies[n].child.pid)]));
    const gibibytes = size / 2 ** 30;
    for (const n of names) {
      Object.assign(results[n], {
        idleRssMB: idleRssMB[n],
        peakRssMB: peak[n],
        cpuSecondsPerGiB: median(cpu[n]) / gibibytes,
        // Round by round, this proxy's CPU time over the floor's (both moved the same bytes).
        cpuOverFloor: summarize(
          cpu[n].map((seconds, i) => seconds / cpu.floor[i]),
          'rounds',
        ),
      });
    }
    return { mebibytes, rounds, ...results, small: await measureSmall(smallMebibytes, rounds) };
  } finally {
    await close();
  }
}

/** Peak RSS of a fresh handler process that streams `mebibytes` `rounds` times. */
async function measureSmall(mebibytes, rounds) {
  const size = mebibytes * 2 ** 20;
  const { proxies, close } = await startAll(mebibytes, ['handler']);
  try {
    for (let i = 0; i < rounds; i++) await curl(`${proxies.handler.url}/api/sora${PATH}`, size);
    return { mebibytes, peakRssMB: peakRssMB(proxies.handler.child.pid) };
  } finally {
    await close();
  }
}
