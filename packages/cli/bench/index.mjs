// `pnpm bench` in packages/cli (root `pnpm bench` runs it with the other packages'): start-up, the installed
// size and cold `npx` time of the CLI's tarballs, a 512 MiB
// download, a batch and the check of jobs files too big to hold, each as a ratio against its baseline
// measured in the same run, recorded for BENCHMARKS.md (scripts/bench). Needs `pnpm build`, curl and GNU
// time (for peak RSS). `node bench/index.mjs startup jobs-file` runs only those.
import { createRecorder, hasGnuTime, ratioText } from '../../../scripts/bench/harness.mjs';
import { benchBatch } from './batch.mjs';
import { benchDownload } from './download.mjs';
import { benchInstall } from './install.mjs';
import { benchJobsFile } from './jobs-file.mjs';
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

if (wanted('install')) {
  const i = await benchInstall();
  const mb = (n) => `${n.toFixed(1)} MB`;
  const scripts = (p) =>
    p.withScripts.length === 0 ? 'no install script' : `install scripts in ${p.withScripts.join(', ')}`;
  bench.add({
    id: 'cli.install',
    title:
      '`npx @sora-kit/cli`: the tarballs of cli, core and emulator installed with npm into an empty project; `npx sora-kit --help` after it',
    measured: `${mb(i.lean.diskMB)} on disk (\`du\`; ${mb(i.lean.apparentMB)} of files), ${i.lean.count} packages, ${scripts(i.lean)}; npm install ${s(i.lean.installMs)}; \`npx sora-kit --help\` ${i.coldMs.toFixed(0)} ms the first time, then ${i.warmMs.toFixed(0)} ms (median of ${i.rounds}; \`node <bin> --help\` ${i.bareMs.toFixed(0)} ms: the rest is npx's own start-up)`,
    target: '≤ 8 MB, no install script',
    ok: i.lean.diskMB <= 8 && i.lean.withScripts.length === 0,
    summary: true,
  });
  bench.note(
    `with @sora-kit/queue beside it (for batch --queue and worker): ${mb(i.withQueue.diskMB)} on disk, ${i.withQueue.count} packages, ${scripts(i.withQueue)}`,
  );
}

if (wanted('download')) {
  const d = await benchDownload();
  const rss = hasGnuTime
    ? `; CPU time ${ratioText(d.cli.cpu)} curl's; peak RSS ${d.cli.maxRssMB.toFixed(0)} MB (curl ${d.curl.maxRssMB.toFixed(0)} MB)`
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

if (wanted('jobs-file')) {
  const j = await benchJobsFile();
  const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
  // Peak RSS is the figure (the file is never held whole); without GNU time there is none to judge.
  const rssOk = (r) => hasGnuTime && r.maxRssMB <= 200;
  const rss = (r) =>
    hasGnuTime ? `peak RSS ${r.maxRssMB.toFixed(0)} MB` : 'peak RSS not measured (no GNU time)';
  const time = (r) =>
    `${s(r.cli.medianMs)}, ${ratioText(r.cli)} the time to stream its lines in a bare Node process (${s(r.floor.medianMs)})`;
  bench.add({
    id: 'cli.jobs-file',
    title: `\`sora-kit batch\` checks a ${mb(j.bigBytes)} jobs file (${j.jobs.toLocaleString('en-US').replaceAll(',', ' ')} jobs, the last invalid, nothing sent)`,
    measured: `${rss(j.big.cli)}; ${time(j.big)}`,
    target: '≤ 200 MB',
    ok: rssOk(j.big.cli),
    ratio: j.big.cli.ratio,
    varies: j.big.cli.varies,
  });
  bench.add({
    id: 'cli.long-line',
    title: `\`sora-kit batch\` refuses a jobs file with one ${j.longLineMiB} MiB line (\`--max-line-bytes\`, 1 MiB)`,
    measured: `${rss(j.long.cli)}; ${time(j.long)}`,
    target: '≤ 200 MB',
    ok: rssOk(j.long.cli),
    ratio: j.long.cli.ratio,
    varies: j.long.cli.varies,
  });
  bench.note(`jobs files: ${j.rounds} rounds, each running the CLI and the bare line count once`);
}

bench.save();
