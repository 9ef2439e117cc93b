// The shared bench harness of the monorepo: what every package's `bench` script needs to measure a figure
// the same honest way, and to record it for the generated table (BENCHMARKS.md and the READMEs' blocks).
//
// Method (see BENCHMARKS.md): servers run in their own process (`startServer`), so the client's event loop
// is not the server's; contenders alternate in blocks (`interleave`, `pairRuns`), so both see the same load
// of a shared machine; a figure is the median of the per-block ratios, printed with their spread, and a
// spread wider than 10 % says so. Import it by path from a package's bench/ (it is not published):
//   import { createRecorder, interleave } from '../../../scripts/bench/harness.mjs';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (where `.bench/`, BENCHMARKS.md and benchmarks.json live). */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Where each package's latest results are written (`<name>.json`), read by report.mjs. Not committed. */
export const RESULTS_DIR = join(ROOT, '.bench');

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Relative spread of positive values: max / min - 1 (0.12 = the largest is 12 % above the smallest). */
export const spreadOf = (values) => Math.max(...values) / Math.min(...values) - 1;

/** A figure whose blocks (or runs) differ by more than this is reported as varying. */
export const VARIES = 0.1;

/** Median, range and whether it varies, of per-block (or per-round: `of`) ratios. */
export function summarize(ratios, of = 'blocks') {
  return {
    of,
    ratio: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    blocks: ratios,
    varies: spreadOf(ratios) > VARIES,
  };
}

/** `1.043x (blocks 1.01-1.09)`, with `, varies` when the blocks differ by more than 10 %. */
export function ratioText(summary, digits = 2) {
  const { ratio, min, max, varies, of = 'blocks' } = summary;
  return `${ratio.toFixed(digits)}x (${of} ${min.toFixed(digits)}-${max.toFixed(digits)}${varies ? ', varies by more than 10 %' : ''})`;
}

/**
 * Times async contenders against `baseline`, alternating in blocks: in each round every contender runs
 * once, in an order that rotates from round to round (so none always runs first, on the warmest
 * connection); each block's ratio is a contender's median time over the baseline's median time in that
 * block. Answers, per contender, the block ratios' summary and the overall median time.
 *
 * @param {Record<string, () => Promise<unknown>>} contenders
 * @param {{ baseline: string, blocks?: number, rounds?: number, warmup?: number }} options
 */
export async function interleave(contenders, { baseline, blocks = 9, rounds = 200, warmup = 200 }) {
  const names = Object.keys(contenders);
  if (!names.includes(baseline)) throw new Error(`baseline ${baseline} is not a contender`);
  for (let i = 0; i < warmup; i++) for (const name of names) await contenders[name]();
  const ratios = Object.fromEntries(names.map((n) => [n, []]));
  const all = Object.fromEntries(names.map((n) => [n, []]));
  for (let b = 0; b < blocks; b++) {
    const times = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < rounds; r++) {
      const shift = r % names.length;
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + shift) % names.length];
        const started = performance.now();
        await contenders[name]();
        times[name].push(performance.now() - started);
      }
    }
    const base = median(times[baseline]);
    for (const name of names) {
      ratios[name].push(median(times[name]) / base);
      all[name].push(...times[name]);
    }
  }
  return Object.fromEntries(
    names.map((n) => [n, { ...summarize(ratios[n]), medianMs: median(all[n]), samples: all[n].length }]),
  );
}

/**
 * Runs whole processes against a baseline process, alternating: `rounds` rounds, each running every
 * contender once (in rotating order). A round's ratio is a contender's time over the baseline's in that
 * round. Answers per contender the summary of those ratios, the median time and the largest peak RSS.
 *
 * @param {Record<string, () => Promise<{ ms: number, maxRssMB: number }>>} contenders
 */
export async function pairRuns(contenders, { baseline, rounds = 5 }) {
  const names = Object.keys(contenders);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      runs[name].push(await contenders[name]());
    }
  }
  return Object.fromEntries(
    names.map((n) => [
      n,
      {
        ...summarize(
          runs[n].map((run, i) => run.ms / runs[baseline][i].ms),
          'rounds',
        ),
        medianMs: median(runs[n].map((run) => run.ms)),
        maxRssMB: Math.max(...runs[n].map((run) => run.maxRssMB)),
        /** The same, of CPU time (user + system), when GNU time measured it. */
        cpu: summarize(
          runs[n].map((run, i) => run.cpuMs / runs[baseline][i].cpuMs),
          'rounds',
        ),
        medianCpuMs: median(runs[n].map((run) => run.cpuMs)),
        runs: runs[n],
      },
    ]),
  );
}

const TIME = '/usr/bin/time';
/** Whether GNU time is there to measure a child's peak RSS (Debian: `apt-get install time`). */
export const hasGnuTime = existsSync(TIME);

/**
 * Runs `command args` to its end and answers its wall time (ms, from spawn to exit), exit code, output and,
 * with GNU time, its peak resident memory (MB) and CPU time (user + system, ms); else NaN. CPU time moves
 * far less than wall time with the load of a shared machine.
 */
export function runProcess(command, args, { env, cwd, input } = {}) {
  return new Promise((resolvePromise, reject) => {
    const argv = hasGnuTime ? ['-f', '%M %U %S', command, ...args] : args;
    const started = performance.now();
    const child = spawn(hasGnuTime ? TIME : command, argv, {
      env: { ...process.env, ...env },
      cwd,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) child.stdin.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const lines = stderr.trimEnd().split('\n');
      // GNU time's last line: peak RSS in KB, user and system seconds.
      const [rssKB, user, system] = hasGnuTime ? lines.pop().split(' ').map(Number) : [];
      const cpuMs = ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000;
      resolvePromise({
        ms,
        code,
        maxRssMB: (rssKB ?? Number.NaN) / 1024,
        cpuMs,
        stdout,
        stderr: lines.join('\n'),
      });
    });
  });
}

/**
 * Starts a server in a child process and waits for its first URL on stdout (`http://127.0.0.1:PORT`),
 * so a bench's client never shares its event loop with the server. `close()` ends that process (only it).
 */
export function startServer(command, args, { env, cwd, timeoutMs = 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${command} ${args.join(' ')} printed no URL within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (d) => {
      out += d;
      const url = /https?:\/\/[^\s]+/.exec(out)?.[0];
      if (!url) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume(); // keep draining, so the server never blocks on a full pipe
      const exited = new Promise((r) => child.once('exit', r));
      resolvePromise({
        url: url.replace(/\/$/, ''),
        child,
        close: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before printing its URL`));
    });
  });
}

/** The machine a run happened on: what a reader needs to judge a figure. */
export function machine() {
  const cpu = cpus();
  return {
    cpu: `${cpu.length} x ${cpu[0]?.model?.trim() ?? 'unknown'}`,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
  };
}

/**
 * Collects the figures of one package's bench and writes them to `.bench/<package>.json` (with the
 * machine, Node version, date and the load average at the start and the end), for report.mjs to turn into
 * BENCHMARKS.md and the READMEs' generated blocks.
 *
 * A figure: `{ id, title, measured, target?, ok?, ratio?, varies?, summary? }`. `id` is stable
 * (`core.retrieve`), `measured` the text shown, `summary: true` puts it in the root README's table too.
 *
 * `save()` replaces the package's results file, so a bench split over several modules records them all
 * with one recorder, in one process (the emulator's bench.mjs passes its recorder to memory.mjs); a run of
 * part of a bench is fine on its own: report.mjs keeps the other figures of the last run, marked as such.
 *
 * @param {string | URL} packageDir the package's folder (its package.json names it)
 */
export function createRecorder(packageDir) {
  const dir = packageDir instanceof URL ? fileURLToPath(packageDir) : packageDir;
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const started = { date: new Date().toISOString(), ...machine() };
  const figures = [];
  const file = join(RESULTS_DIR, `${name.replace(/^@[^/]+\//, '')}.json`);
  return {
    /** Adds a figure and prints its line: `ok`/`MISS`, title, measured, target. */
    add(figure) {
      if (!/^[a-z0-9-]+\.[a-z0-9.-]+$/.test(figure.id)) throw new Error(`bad figure id ${figure.id}`);
      figures.push(figure);
      const verdict = figure.ok === undefined ? '    ' : figure.ok ? 'ok  ' : 'MISS';
      const target = figure.target ? `   target ${figure.target}` : '';
      console.log(`${verdict} ${figure.title}\n     ${figure.measured}${target}`);
      return figure;
    },
    /** Prints a note under the figures (method, what was measured beside them). */
    note(text) {
      console.log(`     ${text}`);
    },
    /** Writes the results file; call once at the end. */
    save() {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const loadAtEnd = loadavg().map((l) => Math.round(l * 10) / 10);
      writeFileSync(file, `${JSON.stringify({ package: name, ...started, loadAtEnd, figures }, null, 2)}\n`);
      console.log(`\nrecorded ${figures.length} figures in ${file}`);
    },
  };
}
