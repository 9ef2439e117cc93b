#!/usr/bin/env node
// Memory of the built emulator (dist/) as jobs pile up: the RSS of its process after 100 jobs, after
// 20,000 (twice the default `maxJobs`, so the oldest half has been dropped) and after 40,000 (to show
// whether it keeps growing once the stores are full), each after full collections. The target: the RSS
// after 20,000 jobs (and after 40,000) stays within 50 MB of the RSS after 100, as jobs, their cursors,
// idempotency keys and the request log are all bounded.
//
// The emulator runs alone in a child process (bench/memory-server.mjs), so that this load generator's
// garbage does not share its heap. Creates go over loopback HTTP (JSON, with an Idempotency-Key and a
// 200-character prompt), as clients send them.
//
// Each reading is taken at rest (see memory-server.mjs): under load V8 grows its young generation and
// lets garbage pile up whatever a server keeps; the V8 heap in use, recorded beside each RSS, is what
// the emulator itself keeps. About two and a half minutes, most of it idling; each reading is bounded
// (READING_TIMEOUT_MS), and a child that dies or hangs fails the bench.
//
// bench/bench.mjs runs it last (`pnpm bench`) and records its figures with its own; `node bench/memory.mjs`
// runs only this part (the other figures of the last run are kept by scripts/bench/report.mjs).
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createRecorder } from '../../../scripts/bench/harness.mjs';

const CONCURRENCY = 8;
const FIRST = 100;
const TOTAL = 20_000;
/** Past TOTAL, to show whether RSS keeps growing once the stores are full. */
const MORE = 40_000;
/** Target: RSS growth over the reading after FIRST jobs. */
const BUDGET_MB = 50;
/** A reading idles 26 s in the child; past this the child is taken as hung. */
const READING_TIMEOUT_MS = 90_000;

function send(agent, url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

function create(agent, url, index) {
  return send(agent, `${url}/v1/videos`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer bench',
      'content-type': 'application/json',
      'idempotency-key': `bench-${index}`,
    },
    body: JSON.stringify({ prompt: `job ${index}: ${'a tiger breaks into a farmyard. '.repeat(6)}` }),
  });
}

/** Creates jobs until `counter.made` reaches `total`, CONCURRENCY at a time. */
async function createUpTo(agent, url, counter, total) {
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (counter.made < total) await create(agent, url, counter.made++);
    }),
  );
}

/** Starts the measured emulator in its own process; each answer it waits for is bounded in time. */
async function startServer() {
  const child = fork(new URL('./memory-server.mjs', import.meta.url), [], { execArgv: ['--expose-gc'] });
  const next = (what) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`the emulator's process sent no ${what} within ${READING_TIMEOUT_MS} ms`));
      }, READING_TIMEOUT_MS);
      const onExit = (code) => {
        clearTimeout(timer);
        reject(new Error(`the emulator's process exited (${code}) before its ${what}`));
      };
      child.once('exit', onExit);
      child.once('message', (message) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(message);
      });
    });
  const { url } = await next('URL');
  return {
    url,
    measure: async () => {
      child.send('measure');
      const { rss, heapUsed } = await next('reading');
      return { rss: rss / 1e6, heap: heapUsed / 1e6 };
    },
    close: () => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.connected) child.send('close');
      else child.kill();
      return exited;
    },
  };
}

/**
 * Drives the emulator to 100, 20,000 and 40,000 jobs and records the RSS (and V8 heap in use) at rest
 * after each with `bench` (a recorder of scripts/bench/harness.mjs), as figures `emulator.memory-*`.
 */
export async function measureMemory(bench) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const server = await startServer();
  const counter = { made: 0 };
  const readings = [];
  let stats;
  try {
    for (const count of [FIRST, TOTAL, MORE]) {
      await createUpTo(agent, server.url, counter, count);
      readings.push(await server.measure());
    }
    stats = await (await fetch(`${server.url}/_emulator/stats`)).json();
  } finally {
    await server.close();
    agent.destroy();
  }

  const mb = (value) => `${value.toFixed(1)} MB`;
  const both = ({ rss, heap }) => `${mb(rss)} (V8 heap in use ${mb(heap)})`;
  const jobs = (n) => n.toLocaleString('en-US');
  const [before, after, more] = readings;
  const target = `≤ ${BUDGET_MB} MB more RSS than after ${jobs(FIRST)} jobs`;
  bench.add({
    id: 'emulator.memory-rest-first',
    title: `RSS of the emulator's process at rest after ${jobs(FIRST)} JSON creates`,
    measured: both(before),
  });
  bench.add({
    id: 'emulator.memory-rest-full',
    title: `the same after ${jobs(TOTAL)} creates (twice maxJobs: the oldest half dropped)`,
    measured: `${both(after)}: ${mb(after.rss - before.rss)} more RSS, ${mb(after.heap - before.heap)} more heap`,
    target,
    ok: after.rss - before.rss <= BUDGET_MB,
  });
  bench.add({
    id: 'emulator.memory-rest-more',
    title: `the same after ${jobs(MORE)} creates (${jobs(stats.jobs)} jobs kept, stores full)`,
    measured:
      `${both(more)}: ${mb(more.rss - before.rss)} more RSS; ` +
      `over ${jobs(TOTAL)} creates, ${mb(more.rss - after.rss)} more RSS, ${mb(more.heap - after.heap)} more heap`,
    target,
    ok: more.rss - before.rss <= BUDGET_MB,
  });
  bench.note(
    'memory: each reading after 25 s idle and full collections, in a process with only the emulator',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bench = createRecorder(new URL('..', import.meta.url));
  await measureMemory(bench);
  bench.save();
}
