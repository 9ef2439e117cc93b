#!/usr/bin/env node
// Memory of the built emulator (dist/) as jobs pile up: the RSS of its process after 100 jobs, after
// 20,000 (twice the default `maxJobs`, so the oldest half has been dropped) and after 40,000 (to show
// it stays flat once the stores are full), each after full collections. The claim in the README is
// that the RSS after 20,000 jobs stays within 50 MB of the RSS after 100: jobs, their cursors,
// idempotency keys and the request log are all bounded.
//
// The emulator runs alone in a child process (bench/memory-server.mjs), so that this load generator's
// garbage does not share its heap. Creates go over loopback HTTP (JSON, with an Idempotency-Key and a
// 200-character prompt), as clients send them.
//
// Each reading is taken at rest (see memory-server.mjs): under load V8 grows its young generation and
// lets garbage pile up whatever a server keeps; the V8 heap in use, printed beside each RSS, is what
// the emulator itself keeps. About two and a half minutes, most of it idling.
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';

const CONCURRENCY = 8;
const FIRST = 100;
const TOTAL = 20_000;
/** Past TOTAL, to show that RSS stays flat once the stores are full. */
const MORE = 40_000;
const BUDGET_MB = 50;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(url, { method = 'GET', headers = {}, body } = {}) {
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

function create(url, index) {
  return send(`${url}/v1/videos`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer bench',
      'content-type': 'application/json',
      'idempotency-key': `bench-${index}`,
    },
    body: JSON.stringify({ prompt: `job ${index}: ${'a tiger breaks into a farmyard. '.repeat(6)}` }),
  });
}

let made = 0;
async function createUpTo(url, total) {
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (made < total) await create(url, made++);
    }),
  );
}

/** Starts the measured emulator in its own process. */
async function startServer() {
  const child = fork(new URL('./memory-server.mjs', import.meta.url), [], { execArgv: ['--expose-gc'] });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  const { url } = await next();
  return {
    url,
    measure: async () => {
      child.send('measure');
      const { rss, heapUsed } = await next();
      return { rss: rss / 1e6, heap: heapUsed / 1e6 };
    },
    close: () => {
      child.send('close');
      return new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

const server = await startServer();
const memory = [];
for (const count of [FIRST, TOTAL, MORE]) {
  await createUpTo(server.url, count);
  memory.push(await server.measure());
}
const stats = await (await fetch(`${server.url}/_emulator/stats`)).json();
await server.close();
agent.destroy();

const row = (name, value) => console.log(`${name.padEnd(34)} ${value}`);
const mb = (value) => `${value.toFixed(1)} MB`;
const both = ({ rss, heap }) => `${mb(rss)} (V8 heap in use ${mb(heap)})`;
const [before, after, more] = memory;
row(`rss after ${FIRST} jobs`, both(before));
row(`rss after ${TOTAL} jobs`, both(after));
row(`rss after ${MORE} jobs`, `${both(more)}, ${stats.jobs} jobs kept (maxJobs 10000)`);
const growth = after.rss - before.rss;
row(
  `rss growth ${FIRST} → ${TOTAL} jobs`,
  `${mb(growth)}: ${growth <= BUDGET_MB ? 'within' : 'OVER'} the ${BUDGET_MB} MB budget`,
);
row(`rss growth ${TOTAL} → ${MORE} jobs`, `${mb(more.rss - after.rss)} (heap ${mb(more.heap - after.heap)})`);
