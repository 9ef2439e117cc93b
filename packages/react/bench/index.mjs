// `pnpm bench`: size and request figures of @sora-kit/react, each against its baseline measured in the same
// run. Needs `pnpm build` (of this package, core and the emulator) first.
import { measureBundles } from './bundle.mjs';
import { measureHidden, measureWatchers } from './watchers.mjs';

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const verdict = (ok) => (ok ? 'ok' : 'OVER TARGET');

if (wanted('bundle')) {
  const sizes = await measureBundles();
  const ours = sizes['@sora-kit/react'];
  const theirs = sizes['@tanstack/react-query'];
  console.log(
    '\nA page that creates a video, shows its progress and plays it (react external, core included), min+gzip',
  );
  console.log(`  @sora-kit/react               ${kb(ours.gzip)}   (minified ${kb(ours.minified)})`);
  console.log(`  @tanstack/react-query + core  ${kb(theirs.gzip)}   (minified ${kb(theirs.minified)})`);
  console.log(
    `  ratio ${(ours.gzip / theirs.gzip).toFixed(3)}   target <= 8 KB: ${verdict(ours.gzip <= 8192)}`,
  );
}

if (wanted('watchers')) {
  const w = await measureWatchers();
  console.log(
    `\nA ${w.jobSeconds} s job watched by 1 and by 50 components (and by 50 hand-rolled 1 s pollers), status requests`,
  );
  console.log(`  1 component ${w.one}, 50 components ${w.fifty}, 50 hand-rolled ${w.handRolled}`);
  console.log(
    `  re-renders per status answer of each watcher ${w.rendersPerAnswer.min.toFixed(2)}-${w.rendersPerAnswer.max.toFixed(2)}, of a component not watching ${w.bystanderRerenders}`,
  );
  const ok = Math.abs(w.fifty - w.one) <= 1 && w.rendersPerAnswer.max <= 1 && w.bystanderRerenders === 0;
  console.log(`  target: 50 cost what 1 costs (±1), 1 render per answer, 0 elsewhere: ${verdict(ok)}`);
}

if (wanted('hidden')) {
  const v = await measureHidden();
  console.log(`\nPage hidden for ${v.hiddenMs / 1000} s while a job runs, status requests meanwhile`);
  console.log(`  @sora-kit/react ${v.hidden.ours}, hand-rolled 1 s poller ${v.hidden.theirs}`);
  console.log(`  first request ${v.catchUpMs} ms after the page shows again`);
  console.log(`  target 0 while hidden: ${verdict(v.hidden.ours === 0)}`);
}
process.exit(0);
