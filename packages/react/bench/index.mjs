// `pnpm bench`: size and request figures of @sora-kit/react, each against its baseline measured in the same
// run (the emulator in a process of its own), recorded for BENCHMARKS.md (scripts/bench). Needs
// `pnpm build` (of this package, core and the emulator) first. `node bench/index.mjs hidden` runs only that.
import { createRecorder } from '../../../scripts/bench/harness.mjs';
import { measureBundles } from './bundle.mjs';
import { measureHidden, measureWatchers } from './watchers.mjs';

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const bench = createRecorder(new URL('..', import.meta.url));
console.log('@sora-kit/react benchmarks\n');

if (wanted('bundle')) {
  const sizes = await measureBundles();
  const ours = sizes['@sora-kit/react'];
  const theirs = sizes['@tanstack/react-query'];
  bench.add({
    id: 'react.bundle',
    title:
      'a page that creates a video, shows its progress and plays it (`SoraProvider`, `useCreateVideo`, `useVideo`, `useVideoContent`; core included, react external), min+gzip',
    measured: `${kb(ours.gzip)}, ${(ours.gzip / theirs.gzip).toFixed(3)}x the same page with @tanstack/react-query + core (${kb(theirs.gzip)})`,
    target: '≤ 8 KB',
    ok: ours.gzip <= 8192,
    ratio: ours.gzip / theirs.gzip,
    summary: true,
  });
}

if (wanted('watchers')) {
  const w = await measureWatchers();
  bench.add({
    id: 'react.watchers',
    title: `status requests of a ${w.jobSeconds} s job watched by 50 components vs by 1 (the emulator's openai-poll-after-ms)`,
    measured: `50 components: ${w.fifty}, 1 component: ${w.one}; 50 hand-rolled 1 s pollers: ${w.handRolled}`,
    target: '50 cost what 1 costs (± 1)',
    ok: Math.abs(w.fifty - w.one) <= 1,
    ratio: w.fifty / w.one,
    summary: true,
  });
  const { min, max } = w.rendersPerAnswer;
  bench.add({
    id: 'react.renders',
    title: 're-renders per status answer, of each of the 50 watching components and of one watching nothing',
    measured: `${min.toFixed(2)}-${max.toFixed(2)} per watching component, ${w.bystanderRerenders} of the other`,
    target: '≤ 1 per answer, 0 elsewhere',
    ok: max <= 1 && w.bystanderRerenders === 0,
  });
}

if (wanted('hidden')) {
  const v = await measureHidden();
  bench.add({
    id: 'react.hidden',
    title: `status requests while the page is hidden for ${v.hiddenMs / 1000} s during a job`,
    measured: `${v.hidden.ours} (then one ${v.catchUpMs} ms after it shows again); a hand-rolled 1 s poller: ${v.hidden.theirs}`,
    target: '0 while hidden',
    ok: v.hidden.ours === 0,
  });
}

bench.save();
process.exit(0);
