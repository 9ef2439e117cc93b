// Turns the latest bench results into the one generated table of figures, so that no README carries a
// hand-copied number:
//   node scripts/bench/report.mjs          merges .bench/<package>.json into benchmarks.json (the record, with
//                                          the last runs of each figure), writes BENCHMARKS.md and rewrites
//                                          every README block between <!-- bench:begin NAME --> and
//                                          <!-- bench:end --> (NAME: a package's short name, or `summary`)
//   node scripts/bench/report.mjs --check  fails when BENCHMARKS.md or a README block differs from what
//                                          benchmarks.json generates (run by `pnpm test`)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RESULTS_DIR, ROOT, spreadOf, VARIES } from './harness.mjs';

const RECORD = join(ROOT, 'benchmarks.json');
const TABLE = join(ROOT, 'BENCHMARKS.md');
const HISTORY = 5; // runs of each figure kept, to tell whether it moves between runs
const check = process.argv.includes('--check');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const shortName = (name) => name.replace(/^@[^/]+\//, '');

/** benchmarks.json with the packages of the latest run (in .bench/) merged in. */
function merge() {
  const record = existsSync(RECORD) ? readJson(RECORD) : { packages: {} };
  if (!existsSync(RESULTS_DIR)) return record;
  for (const file of readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json'))) {
    const run = readJson(join(RESULTS_DIR, file));
    const name = shortName(run.package);
    const before = record.packages[name];
    if (before && before.date >= run.date) continue; // already merged
    const past = new Map((before?.figures ?? []).map((f) => [f.id, f]));
    const logFile = join(RESULTS_DIR, `${name}.log`);
    const fresh = run.figures.map((figure) => {
      const history = [...(past.get(figure.id)?.history ?? [])];
      if (typeof figure.ratio === 'number') history.push({ date: run.date, ratio: figure.ratio });
      return { ...figure, date: run.date, history: history.slice(-HISTORY) };
    });
    // A run of part of a bench (`node bench/index.mjs overhead`) keeps the other figures of the last run,
    // each with the date it was measured.
    const ids = new Set(fresh.map((f) => f.id));
    const kept = (before?.figures ?? [])
      .filter((f) => !ids.has(f.id))
      .map((f) => ({ ...f, date: f.date ?? before.date }));
    record.packages[name] = {
      ...run,
      figures: [...fresh, ...kept],
      // A bench that records no figure (one not on the harness yet) is shown by its output.
      output:
        run.figures.length === 0 && existsSync(logFile) ? tail(readFileSync(logFile, 'utf8')) : undefined,
    };
  }
  return record;
}

const tail = (text, lines = 80) => text.trimEnd().split('\n').slice(-lines).join('\n');
const cell = (text) =>
  String(text ?? '')
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ');
const day = (iso) => iso.slice(0, 10);
const load = (p) => `load average ${p.loadAverage[0]} at the start, ${p.loadAtEnd?.[0] ?? '?'} at the end`;

/** "moves between runs" when the last runs of a figure spread by more than 10 %. */
function movement(figure) {
  const ratios = (figure.history ?? []).map((h) => h.ratio);
  if (ratios.length < 2 || spreadOf(ratios) <= VARIES) return '';
  const lo = Math.min(...ratios).toFixed(2);
  const hi = Math.max(...ratios).toFixed(2);
  return `; varies by more than 10 % between runs (${lo}-${hi} over the last ${ratios.length})`;
}

const verdict = (figure) => (figure.ok === undefined ? '' : figure.ok ? 'met' : '**missed**');

/**
 * A figure kept from an earlier run of its package (the latest run measured only part of the bench) says
 * when it was measured, since the run line above the table (date, load) is the latest run's.
 */
const earlier = (figure) =>
  figure.date && figure.runDate && figure.date !== figure.runDate
    ? ` (from an earlier run, ${figure.date.slice(0, 16).replace('T', ' ')} UTC)`
    : '';

function figureRows(figures, withPackage) {
  const head = withPackage
    ? '| package | figure | measured | target | |\n| --- | --- | --- | --- | --- |'
    : '| figure | measured | target | |\n| --- | --- | --- | --- |';
  const rows = figures.map(({ pkg, figure }) => {
    const cells = [
      figure.title,
      `${figure.measured}${movement(figure)}${earlier(figure)}`,
      figure.target ?? '',
      verdict(figure),
    ];
    return `| ${(withPackage ? [pkg, ...cells] : cells).map(cell).join(' | ')} |`;
  });
  return [head, ...rows].join('\n');
}

/** A package's figures, each knowing the date of its package's last run (older ones say when they were measured). */
const withRunDate = (p) =>
  p.figures.map((figure) => ({ pkg: shortName(p.package), figure: { ...figure, runDate: p.date } }));

const runLine = (p) => `${day(p.date)}, Node ${p.node}, ${p.cpu}, ${p.memoryGB} GB, ${p.os}; ${load(p)}`;

function renderTable(record) {
  const names = Object.keys(record.packages).sort();
  const parts = [
    '# Benchmarks',
    '',
    '<!-- Generated by `pnpm bench` (scripts/bench/report.mjs) from benchmarks.json: do not edit. -->',
    '',
    'Every figure of the READMEs comes from here. `pnpm bench` builds the packages, runs the `bench` script of',
    "every package that has one, and regenerates this file and the READMEs' figure blocks; `pnpm test` fails",
    'when they differ from `benchmarks.json`.',
    '',
    "Method (scripts/bench/harness.mjs): servers run in a process of their own, never in the client's event",
    'loop; the contenders alternate in blocks (or, for whole processes, in rounds), and a figure is the median',
    'of the per-block ratios against a baseline measured in the same run, with the range of those ratios. A',
    'figure whose blocks differ by more than 10 %, or whose last runs do, says so. The machine, Node version,',
    "date and load average of each package's run are given with its figures (a figure kept from an earlier run,",
    'when only part of a bench ran, says when it was measured): a loaded machine (a load average above the',
    'number of cores) makes every figure noisier.',
  ];
  for (const name of names) {
    const p = record.packages[name];
    parts.push('', `## ${p.package}`, '', runLine(p), '');
    if (p.figures.length) parts.push(figureRows(withRunDate(p), false));
    else if (p.output)
      parts.push('Its bench records no figures yet; its output:', '', '```text', p.output, '```');
    else parts.push('Its bench recorded no figures.');
  }
  return `${parts.join('\n')}\n`;
}

/** The content of a README block: a package's figures, or (`summary`) every figure marked `summary`. */
function renderBlock(record, name) {
  const link = '[BENCHMARKS.md]';
  if (name === 'summary') {
    const picked = Object.entries(record.packages).flatMap(([, p]) =>
      withRunDate(p)
        .filter(({ figure }) => figure.summary)
        .map((row) => ({ ...row, p })),
    );
    if (!picked.length) return 'No figures yet: run `pnpm bench`.';
    const runs = [...new Set(picked.map(({ p }) => `${p.package}: ${runLine(p)}`))];
    return [
      `From the latest \`pnpm bench\` (generated; every figure and its method in ${link}):`,
      '',
      figureRows(picked, true),
      '',
      ...runs.map((r) => `- ${r}`),
    ].join('\n');
  }
  const p = record.packages[name];
  if (!p) return `No figures yet: run \`pnpm bench\` (${link}).`;
  return [
    `From the latest \`pnpm bench\`, ${runLine(p)} (generated; see ${link}):`,
    '',
    figureRows(withRunDate(p), false),
  ].join('\n');
}

const BLOCK = /(<!-- bench:begin ([\w-]+) -->\n)([\s\S]*?)(<!-- bench:end -->)/g;

function readmes() {
  const found = [join(ROOT, 'README.md')];
  for (const group of ['packages', 'examples']) {
    const dir = join(ROOT, group);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) {
      const file = join(dir, entry, 'README.md');
      if (existsSync(file)) found.push(file);
    }
  }
  return found;
}

const record = check ? (existsSync(RECORD) ? readJson(RECORD) : { packages: {} }) : merge();
const outputs = [[TABLE, renderTable(record)]];
for (const file of readmes()) {
  const text = readFileSync(file, 'utf8');
  // The link to BENCHMARKS.md: relative from the root README; absolute from a package's README, which is
  // published in a tarball that does not hold the table.
  const link = file.startsWith(join(ROOT, 'packages'))
    ? 'https://github.com/sora-kit/sora-kit/blob/main/BENCHMARKS.md'
    : relative(join(file, '..'), TABLE) || 'BENCHMARKS.md';
  const next = text.replace(
    BLOCK,
    (_, begin, name, _old, end) =>
      `${begin}${renderBlock(record, name).replaceAll('[BENCHMARKS.md]', `[BENCHMARKS.md](${link})`)}\n${end}`,
  );
  if (next !== text) outputs.push([file, next]);
  else if (check) outputs.push([file, text]);
}

let stale = 0;
for (const [file, content] of outputs) {
  const now = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (now === content) continue;
  if (check) {
    stale++;
    console.error(`${relative(ROOT, file)} differs from what benchmarks.json generates`);
  } else writeFileSync(file, content);
}
if (check) {
  if (stale) {
    console.error(
      'Figures are generated: run `pnpm bench` (or `node scripts/bench/report.mjs`), never edit them.',
    );
    process.exit(1);
  }
  console.log('bench figures: BENCHMARKS.md and every README block match benchmarks.json');
} else {
  writeFileSync(RECORD, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`wrote ${relative(ROOT, RECORD)}, ${relative(ROOT, TABLE)} and the READMEs' figure blocks`);
}
