// `pnpm bench`: the handler's cost, each as a ratio against its baseline measured in the same run.
// Needs `pnpm build` (of this package, core and the emulator) first.
import { measureContent } from './content.mjs';
import { measureOverhead } from './overhead.mjs';

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
const verdict = (ok) => (ok ? 'ok' : 'OVER TARGET');

if (wanted('overhead')) {
  const o = await measureOverhead();
  console.log(`\nretrieve (GET /v1/videos/{id}) on loopback, ${o.requests} of each, interleaved; medians`);
  console.log(`  fetch straight to the emulator     ${o.directMs.toFixed(3)} ms`);
  console.log(`  handler called in-process          ${o.handlerMs.toFixed(3)} ms`);
  console.log(
    `  handler behind the Node adapter    ${o.hopMs.toFixed(3)} ms  (a real extra HTTP hop: ${o.hopRatio.toFixed(2)}x)`,
  );
  console.log(
    `  ratio in-process/direct ${o.ratio.toFixed(3)}   target <= 1.25: ${verdict(o.ratio <= 1.25)}`,
  );
}

if (wanted('content')) {
  const c = await measureContent();
  console.log(
    `\n${c.mebibytes} MiB of /content through the handler (Node adapter, own process) vs straight from the API`,
  );
  console.log(
    `  direct ${c.directMs.toFixed(0)} ms, through the handler ${c.throughMs.toFixed(0)} ms, handler peak RSS ${c.maxRssMB.toFixed(1)} MB (${c.idleRssMB.toFixed(1)} MB before)`,
  );
  console.log(
    `  floor, http.get().pipe(res): ${c.pipeMs.toFixed(0)} ms (${c.pipeRatio.toFixed(2)}x direct), peak RSS ${c.pipeRssMB.toFixed(1)} MB`,
  );
  console.log(
    `  ratio ${c.ratio.toFixed(2)}   target RSS <= 100 MB and time <= 1.3x: ${verdict(c.maxRssMB <= 100 && c.ratio <= 1.3)}`,
  );
}
