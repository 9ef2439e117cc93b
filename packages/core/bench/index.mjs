// `pnpm bench`: size, speed and memory figures of @sora-kit/core, each a ratio against its baseline measured
// in the same run, recorded for BENCHMARKS.md (scripts/bench). Needs `pnpm build` (of core and the emulator)
// first, and `curl`. `node bench/index.mjs overhead poll` runs only those.
import { createRecorder, median, ratioText } from '../../../scripts/bench/harness.mjs';
import { measureBundles } from './bundle.mjs';
import { measureDownload } from './download.mjs';
import { measureOverhead } from './overhead.mjs';
import { measurePolling } from './poll.mjs';

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const ms = (value) => `${value.toFixed(3)} ms`;
const bench = createRecorder(new URL('..', import.meta.url));
console.log('@sora-kit/core benchmarks (lower ratios are better)\n');

if (wanted('bundle')) {
  const sizes = await measureBundles();
  const core = sizes['@sora-kit/core'].gzip;
  const openai = sizes.openai.gzip;
  bench.add({
    id: 'core.bundle',
    title: 'browser bundle of a whole job (createAndPoll + downloadContent), min+gzip',
    measured: `${kb(core)}, ${(core / openai).toFixed(3)}x the same job with openai (${kb(openai)})`,
    target: '≤ 8 KB and ≤ 0.25x openai',
    ok: core <= 8192 && core / openai <= 0.25,
    ratio: core / openai,
    summary: true,
  });
}

if (wanted('overhead')) {
  const o = await measureOverhead();
  const base = o.fetch;
  bench.add({
    id: 'core.retrieve',
    title: '`retrieve` vs `fetch(url, { headers }).json()`, emulator in its own process',
    measured: `${ratioText(o.core, 3)}; ${ms(o.core.medianMs)} vs ${ms(base.medianMs)}`,
    target: '≤ 1.05x',
    ok: o.core.ratio <= 1.05,
    ratio: o.core.ratio,
    varies: o.core.varies,
    summary: true,
  });
  bench.add({
    id: 'core.retrieve-openai',
    title: 'openai-node `videos.retrieve` vs the same `fetch`',
    measured: `${ratioText(o.openai, 3)}; ${ms(o.openai.medianMs)}`,
    ratio: o.openai.ratio,
    varies: o.openai.varies,
    summary: true,
  });
  bench.add({
    id: 'core.fetch-no-store',
    title: "the same `fetch` with `cache: 'no-store'` (Node has no HTTP cache)",
    measured: `${ratioText(o['fetch no-store'], 3)}`,
    ratio: o['fetch no-store'].ratio,
    varies: o['fetch no-store'].varies,
  });
  bench.add({
    id: 'core.fetch-timeout',
    title: 'the same `fetch` with a timeout that aborts it (`AbortSignal`, as core sends with every request)',
    measured: `${ratioText(o['fetch + timeout'], 3)}; core over it: ${(o.core.ratio / o['fetch + timeout'].ratio).toFixed(3)}x`,
    ratio: o['fetch + timeout'].ratio,
    varies: o['fetch + timeout'].varies,
  });
  bench.note(`${o.blocks} blocks of ${o.rounds} calls of each, alternating call by call`);
}

if (wanted('poll')) {
  const p = await measurePolling();
  const { learned, fixedOneSecond } = p;
  bench.add({
    id: 'core.poll',
    title: `${p.jobSeconds} s job with linear progress, no openai-poll-after-ms: end noticed after it`,
    measured:
      `${learned.lateMs} ms (median of ${learned.jobs} jobs, at most ${learned.maxLateMs} ms), ` +
      `${learned.statusRequests} status requests; every 1 s: ${fixedOneSecond.lateMs} ms, ${fixedOneSecond.statusRequests} requests`,
    target: '≤ 300 ms, ≤ 8 requests',
    ok: learned.lateMs <= 300 && learned.statusRequests <= 8,
    summary: true,
  });
}

if (wanted('download')) {
  const d = await measureDownload();
  const core = d.downloadToFile;
  const inCall = median(core.runs.map((run, i) => JSON.parse(run.stdout).ms / d.curl.runs[i].ms));
  const cpu = Number.isNaN(core.cpu.ratio) ? '' : `; CPU time ${ratioText(core.cpu)} curl's`;
  bench.add({
    id: 'core.download',
    title: `${d.mebibytes} MiB \`downloadToFile\` (whole process) vs \`curl -s -o\``,
    measured:
      `${ratioText(core)}, ${(core.medianMs / 1000).toFixed(2)} s vs ${(d.curl.medianMs / 1000).toFixed(2)} s${cpu}; ` +
      `peak RSS ${core.maxRssMB.toFixed(0)} MB (curl ${d.curl.maxRssMB.toFixed(0)} MB)`,
    target: '≤ 1.2x, ≤ 100 MB',
    ok: core.ratio <= 1.2 && core.maxRssMB <= 100,
    ratio: core.ratio,
    varies: core.varies,
    summary: true,
  });
  const plain = d['http.get → createWriteStream'];
  bench.add({
    id: 'core.download-plain',
    title: `${d.mebibytes} MiB with a plain \`http.get\` → \`fs.createWriteStream\` (4 MiB buffers) vs curl`,
    measured: `${ratioText(plain)}; CPU time ${ratioText(plain.cpu)} curl's; peak RSS ${plain.maxRssMB.toFixed(0)} MB`,
    ratio: plain.ratio,
    varies: plain.varies,
  });
  bench.note(
    `${d.rounds} rounds; the call alone (without Node's start) took ${inCall.toFixed(2)}x curl's whole run`,
  );
}

bench.save();
