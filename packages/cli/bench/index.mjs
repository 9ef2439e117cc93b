// `pnpm bench` in packages/cli (root `pnpm bench` runs it with the other packages'): start-up, a 512 MiB
// download and a batch, each as a ratio against its baseline measured in the same run, recorded for
// BENCHMARKS.md (scripts/bench). Needs `pnpm build`, curl and GNU time (for peak RSS).
import { createRecorder, hasGnuTime, ratioText } from '../../../scripts/bench/harness.mjs';
import { benchBatch } from './batch.mjs';
import { benchDownload } from './download.mjs';
import { benchStartup } from './startup.mjs';

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
const bench = createRecorder(new URL('..', import.meta.url));
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log('@sora-kit/cli benchmarks (medians; lower ratios are better)\n');

if (wanted('startup')) {
  const r = await benchStartup();
  const help = r['sora-kit --help'];
  bench.add({
    id: 'cli.startup',
    title: '`sora-kit --help` start-up vs `node -e 0`',
    measured: `${ratioText(help)}; ${help.medianMs.toFixed(0)} ms vs ${r['node -e 0'].medianMs.toFixed(0)} ms`,
    target: '≤ 3x',
    ok: help.ratio <= 3,
    ratio: help.ratio,
    varies: help.varies,
    summary: true,
  });
}

if (wanted('download')) {
  const d = await benchDownload();
  const rss = hasGnuTime
    ? `; peak RSS ${d.cli.maxRssMB.toFixed(0)} MB (curl ${d.curl.maxRssMB.toFixed(0)} MB)`
    : '';
  bench.add({
    id: 'cli.download',
    title: `${d.mebibytes} MiB \`sora-kit download\` (whole process) vs \`curl -s -o\``,
    measured: `${ratioText(d.cli)}, ${s(d.cli.medianMs)} vs ${s(d.curl.medianMs)}${rss}`,
    target: '≤ 1.2x, ≤ 100 MB',
    ok: d.cli.ratio <= 1.2 && (!hasGnuTime || d.cli.maxRssMB <= 100),
    ratio: d.cli.ratio,
    varies: d.cli.varies,
    summary: true,
  });
  bench.note(
    `core's downloadToFile alone, in a process of its own: ${ratioText(d.core)} curl (${d.rounds} rounds)`,
  );
}

if (wanted('batch')) {
  const b = await benchBatch();
  bench.add({
    id: 'cli.batch',
    title: `\`sora-kit batch\`: ${b.jobs} jobs of ${b.jobSeconds} s at concurrency ${b.concurrency} vs the ideal`,
    measured: `${b.ratio.toFixed(2)}x (${s(b.ms)} vs ${s(b.ideal)}: ${b.waves} waves of a job and a ${b.downloadMs.toFixed(0)} ms download); ${b.posts} creates, ${b.polls} status requests`,
    target: '≤ 1.3x',
    ok: b.ratio <= 1.3,
    ratio: b.ratio,
    summary: true,
  });
}

bench.save();
