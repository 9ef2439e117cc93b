// `pnpm bench`: size, speed and memory figures of @sora-kit/core, each as a ratio against its baseline
// measured in the same run. Needs `pnpm build` (of core and the emulator) first, and `curl`.
import { measureBundles } from './bundle.mjs';
import { measureDownload } from './download.mjs';
import { measureOverhead } from './overhead.mjs';
import { measurePolling } from './poll.mjs';

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const verdict = (ok) => (ok ? 'ok' : 'OVER TARGET');

if (wanted('bundle')) {
  const sizes = await measureBundles();
  const core = sizes['@sora-kit/core'].gzip;
  const openai = sizes.openai.gzip;
  console.log('\nBrowser bundle of a whole job (createAndPoll + downloadContent), minified + gzip');
  console.log(`  @sora-kit/core  ${kb(core)}   (minified ${kb(sizes['@sora-kit/core'].minified)})`);
  console.log(`  openai          ${kb(openai)}   (minified ${kb(sizes.openai.minified)})`);
  console.log(
    `  ratio core/openai ${(core / openai).toFixed(3)}   target <= 8 KB and <= 0.25: ${verdict(core <= 8192 && core / openai <= 0.25)}`,
  );
}

if (wanted('overhead')) {
  const o = await measureOverhead();
  console.log(`\nPer-request overhead, GET /v1/videos/{id} on loopback (${o.requests} of each, interleaved)`);
  console.log(
    `  bare fetch median ${o.bareMedianMs.toFixed(3)} ms, client.videos.retrieve median ${o.sdkMedianMs.toFixed(3)} ms`,
  );
  const blocks = o.blockRatios.map((r) => r.toFixed(2)).join(' ');
  console.log(
    `  ratio ${o.ratio.toFixed(3)} (blocks: ${blocks})   target <= 1.15: ${verdict(o.ratio <= 1.15)}`,
  );
}

if (wanted('poll')) {
  const p = await measurePolling();
  console.log(`\nPolling a ${p.jobSeconds} s job with linear progress, no openai-poll-after-ms`);
  console.log(
    `  learned schedule  ${p.learned.statusRequests} status requests, end seen ${p.learned.lateMs} ms after it`,
  );
  console.log(
    `  every 1 s         ${p.fixedOneSecond.statusRequests} status requests, end seen ${p.fixedOneSecond.lateMs} ms after it`,
  );
  console.log(
    `  ratio of requests ${(p.learned.statusRequests / p.fixedOneSecond.statusRequests).toFixed(2)}   target <= 10 requests, <= 1000 ms: ${verdict(p.learned.statusRequests <= 10 && p.learned.lateMs <= 1000)}`,
  );
}

if (wanted('download')) {
  const d = await measureDownload();
  console.log(
    `\nDownload of ${d.mebibytes} MiB to a file (7 runs alternating with curl; median of the paired ratios)`,
  );
  console.log(
    `  downloadToFile ${d.sdkInProcessMs.toFixed(0)} ms in the call (${d.sdkWallMs.toFixed(0)} ms with Node's start), peak RSS ${d.maxRssMB.toFixed(1)} MB`,
  );
  console.log(`  curl -s -o     ${d.curlWallMs.toFixed(0)} ms`);
  console.log(
    `  ratio ${d.timeRatio.toFixed(2)} (with Node's start ${d.wallRatio.toFixed(2)})   target RSS < 150 MB and time <= 1.5x curl: ${verdict(d.maxRssMB < 150 && d.timeRatio <= 1.5)}`,
  );
}
