// `pnpm bench`: what the handler costs, each figure a ratio against its baseline measured in the same run,
// every server in a process of its own, recorded for BENCHMARKS.md (scripts/bench). Needs `pnpm build` (of
// this package, core and the emulator) first, and `curl`. `node bench/index.mjs overhead` runs only that;
// `stores` needs redis-server and PostgreSQL 15 (/usr/lib/postgresql/15/bin) too.
import { createRecorder, ratioText, summarize } from '../../../scripts/bench/harness.mjs';
import { measureContent } from './content.mjs';
import { measureHandlerStores } from './handler-stores.mjs';
import { measureOverhead } from './overhead.mjs';
import { measureCoalesced, measureCrowd, measureWebhook } from './readers.mjs';
import { measureStores } from './stores.mjs';

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
const ms = (value) => `${value.toFixed(3)} ms`;
const mb = (value) => (Number.isNaN(value) ? 'not measured (no /proc)' : `${value.toFixed(1)} MB`);
const bench = createRecorder(new URL('..', import.meta.url));
console.log('@sora-kit/server benchmarks (lower ratios are better)\n');

if (wanted('overhead')) {
  const o = await measureOverhead();
  // The handler's hop over a bare `fetch` proxy's, block by block: what the handler adds to the least a
  // proxy on `fetch` costs.
  const overFetch = summarize(o.handler.blocks.map((ratio, i) => ratio / o['fetch floor'].blocks[i]));
  bench.add({
    id: 'server.retrieve',
    title:
      '`retrieve` through the handler behind its Node adapter (own process) vs `fetch` straight to the emulator (own process)',
    measured:
      `${ratioText(o.handler)}; ${ms(o.handler.medianMs)} vs ${ms(o.direct.medianMs)}; ` +
      `over a bare proxy on \`fetch\`: ${ratioText(overFetch)}`,
    ratio: o.handler.ratio,
    varies: o.handler.varies,
    summary: true,
  });
  bench.add({
    id: 'server.retrieve-floor',
    title: 'the same through the floor of any Node proxy (`http.request` piped both ways, own process)',
    measured: `${ratioText(o.floor)}; ${ms(o.floor.medianMs)}`,
    ratio: o.floor.ratio,
    varies: o.floor.varies,
  });
  bench.add({
    id: 'server.retrieve-fetch-floor',
    title: 'the same through a bare proxy on `fetch`, as the handler is (own process)',
    measured: `${ratioText(o['fetch floor'])}; ${ms(o['fetch floor'].medianMs)}`,
    ratio: o['fetch floor'].ratio,
    varies: o['fetch floor'].varies,
  });
  bench.add({
    id: 'server.retrieve-in-process',
    title:
      "the handler's own work on a status read that asks the API (a job's first read, or its shared entry gone stale): called in-process with a `Request` (no extra hop) vs the same `fetch`",
    measured:
      `${ratioText(o['in-process upstream'])}; ${ms(o['in-process upstream'].medianMs)}; ` +
      `the least any in-process handler that reads and serves the answer again costs: ${ratioText(o['in-process floor'])}`,
    target: '≤ 1.15x',
    ok: o['in-process upstream'].ratio <= 1.15,
    ratio: o['in-process upstream'].ratio,
    varies: o['in-process upstream'].varies,
  });
  bench.add({
    id: 'server.retrieve-in-process-shared',
    title:
      "the same read while the job's shared status entry is fresh (the default status hub; every other reader's poll until the entry is due)",
    measured: `${ratioText(o['in-process'])}; ${ms(o['in-process'].medianMs)}`,
    ratio: o['in-process'].ratio,
    varies: o['in-process'].varies,
  });
  bench.note(`${o.blocks} blocks of ${o.rounds} calls of each, alternating call by call`);
}

if (wanted('content')) {
  const c = await measureContent();
  const { handler, direct } = c;
  const s = (value) => `${(value / 1000).toFixed(2)} s`;
  const overFetch = summarize(
    handler.blocks.map((ratio, i) => ratio / c['fetch floor'].blocks[i]),
    'rounds',
  );
  const rss = (p) => `peak RSS ${mb(p.peakRssMB)} (${mb(p.idleRssMB)} before the first download)`;
  bench.add({
    id: 'server.content',
    title: `${c.mebibytes} MiB of \`/content\` through the handler behind its Node adapter (own process) vs curl straight from the origin`,
    measured:
      `${ratioText(handler)}, ${s(handler.medianMs)} vs ${s(direct.medianMs)}; ${rss(handler)}; ` +
      `over a bare proxy on \`fetch\`: ${ratioText(overFetch)} (wall time: reported, not a target; it swings with the machine's load)`,
    ratio: handler.ratio,
    varies: handler.varies,
    summary: true,
  });
  const perGiB = (p) => `${p.cpuSecondsPerGiB.toFixed(2)} s of CPU per GiB`;
  bench.add({
    id: 'server.content-cpu',
    title: `CPU time per GiB of \`/content\` in the handler's process vs the floor of any Node proxy (\`http.request\` piped), and the handler's peak RSS`,
    measured:
      `${ratioText(handler.cpuOverFloor)}; ${perGiB(handler)} vs ${perGiB(c.floor)} ` +
      `(a bare proxy on \`fetch\`: ${perGiB(c['fetch floor'])}); peak RSS ${mb(handler.peakRssMB)}`,
    target: '≤ 1.2x, ≤ 100 MB',
    ok: handler.cpuOverFloor.ratio <= 1.2 && handler.peakRssMB <= 100,
    ratio: handler.cpuOverFloor.ratio,
    varies: handler.cpuOverFloor.varies,
  });
  const floors = {
    floor: ['content-floor', 'the floor of any Node proxy (`http.request` piped, own process)'],
    'fetch floor': ['content-fetch-floor', 'a bare proxy on `fetch`, as the handler is (own process)'],
  };
  for (const [name, [id, what]] of Object.entries(floors)) {
    const p = c[name];
    bench.add({
      id: `server.${id}`,
      title: `${c.mebibytes} MiB through ${what} vs the same curl`,
      measured: `${ratioText(p)}, ${s(p.medianMs)}; ${rss(p)}`,
      ratio: p.ratio,
      varies: p.varies,
    });
  }
  bench.add({
    id: 'server.content-small',
    title: `peak RSS of a fresh handler process streaming ${c.small.mebibytes} MiB ${c.rounds} times (does memory grow with the size?)`,
    measured: `${mb(c.small.peakRssMB)}, against ${mb(handler.peakRssMB)} for ${c.mebibytes} MiB`,
  });
  bench.note(`${c.rounds} rounds of the four downloads, in rotating order`);
}

if (wanted('stores')) {
  const s = await measureStores();
  const figures = [
    ['owns', 'owns', '`owns` (one ownership check)'],
    ['admission', 'reserve', "`reserve` + `commit` + `finish` (a job's whole ledger life)"],
    ['list', 'list', "a `list` page of 20 ids from the middle of one user's 10,000 jobs"],
  ];
  for (const [key, id, what] of figures) {
    for (const backend of ['PGlite', 'PostgreSQL', 'Redis']) {
      const r = s[key][backend];
      const isList = key === 'list';
      bench.add({
        id: `server.store-${id}-${backend.toLowerCase()}`,
        title: `${what} on ${backend === 'PGlite' ? 'PGlite (in-process)' : `${backend} (loopback)`} vs the memory store`,
        measured: `${ms(r.medianMs)} vs ${ms(s[key].memory.medianMs)}; ${ratioText(r)}`,
        ...(isList ? { target: '≤ 20 ms', ok: r.medianMs <= 20 } : {}),
        ratio: r.ratio,
        varies: r.varies,
      });
    }
  }
  bench.note(
    `${s.blocks} blocks of ${s.rounds} calls of each store (50 for list pages), alternating call by call`,
  );
}

if (wanted('handler-stores')) {
  const s = await measureHandlerStores();
  const stores = {
    pglite: 'PGlite (in this process)',
    postgres: 'a real PostgreSQL 15 on loopback (`pg` Pool)',
    redis: 'a real redis-server on loopback (ioredis)',
  };
  for (const [name, what] of Object.entries(stores)) {
    bench.add({
      id: `server.retrieve-store-${name}`,
      title: `the handler's in-process \`retrieve\` with its jobs in ${what} vs the same with \`memoryStore()\``,
      measured: `${ratioText(s[name])}; ${ms(s[name].medianMs)} vs ${ms(s.memory.medianMs)}`,
      target: '≤ 1.3x',
      ok: s[name].ratio <= 1.3,
      ratio: s[name].ratio,
      varies: s[name].varies,
      summary: name !== 'pglite',
    });
    const raw = s[`${name} uncached`];
    bench.add({
      id: `server.retrieve-store-${name}-uncached`,
      title: `the same, the store asked on every call (the first poll of a job on an instance) vs memory`,
      measured: `${ratioText(raw)}; ${ms(raw.medianMs)}`,
      ratio: raw.ratio,
      varies: raw.varies,
    });
  }
  bench.note(`handler-stores: ${s.blocks} blocks of ${s.rounds} calls of each, alternating call by call`);
}

if (wanted('coalesced')) {
  const c = await measureCoalesced();
  for (const [where, counts] of Object.entries(c)) {
    const one = counts[1];
    const worst = Math.max(...Object.values(counts)) / one;
    bench.add({
      id: `server.coalesced${where === 'one instance' ? '' : '-redis'}`,
      title: `upstream status requests of 3 jobs of 6 s, each read by 1, 20 and 200 readers (core's poll through the handler), ${where}`,
      measured: `${Object.entries(counts)
        .map(([n, r]) => `${n}: ${r}`)
        .join(', ')} (worst ${worst.toFixed(2)}x one reader's)`,
      target: '≤ 1.1x one reader',
      ok: worst <= 1.1,
      ratio: worst,
      summary: where === 'one instance',
    });
  }
}

if (wanted('crowd')) {
  const c = await measureCrowd();
  const ours = c['shared status'];
  const before = c['per-reader (before)'];
  const line = (r) =>
    `${r.perSecond.toFixed(1)} upstream req/s (${r.upstream} in ${r.seconds.toFixed(1)} s), handler CPU ${r.cpuSeconds.toFixed(2)} s, peak RSS ${mb(r.peakRssMB)}`;
  bench.add({
    id: 'server.crowd',
    title:
      '1,000 readers of 100 jobs of 10 s through one handler process: shared status vs one upstream request per read (before)',
    measured: `${line(ours)}; before: ${line(before)}; ${(ours.upstream / before.upstream).toFixed(3)}x the upstream requests`,
    ratio: ours.upstream / before.upstream,
    summary: true,
  });
}

if (wanted('webhook')) {
  const w = await measureWebhook();
  bench.add({
    id: 'server.webhook-to-stream',
    title: `a job's end, from the webhook's arrival to an event stream showing it, vs to a poller (core's poll) (median of ${w.jobs})`,
    measured: `${w.stream.toFixed(0)} ms (at most ${w.streamMax.toFixed(0)} ms); poller: ${w.poll.toFixed(0)} ms (at most ${w.pollMax.toFixed(0)} ms)`,
    target: '≤ 100 ms',
    ok: w.streamMax <= 100,
    ratio: w.stream / w.poll,
    summary: true,
  });
}

bench.save();
