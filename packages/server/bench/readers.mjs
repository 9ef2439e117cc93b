// The shared status read path under many readers, every server in a process of its own (the emulator, the
// handler or three of them sharing a redis-server), the readers being core clients in browser mode polling
// through the handler (following its openai-poll-after-ms, as the React hooks do without a stream).
// Upstream requests are counted at the emulator (GET /_emulator/requests).
//   coalesced  one job read by 1, 20 and 200 readers, on one instance and on 3 sharing Redis
//   crowd      1,000 readers of 100 jobs: upstream requests per second, handler CPU and peak RSS, against
//              the read path before it (`per-reader`: one upstream request per read), in one run
//   webhook    a job's end: from the webhook's arrival to an event stream showing it, against a poller
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createSoraClient } from '@sora-kit/core';
import { startRedis } from '@sora-kit/test-support/redis';
import { median, startServer } from '../../../scripts/bench/harness.mjs';
import { peakRssMB } from './rss.mjs';

const KEY = 'sk-bench-0123456789';
const CHILDREN = new URL('./children.mjs', import.meta.url).pathname;
const EMULATOR = join(dirname(createRequire(import.meta.url).resolve('@sora-kit/emulator')), 'bin.js');

async function withEmulator(args, run) {
  const emulator = await startServer(process.execPath, [
    EMULATOR,
    '--port',
    '0',
    '--api-key',
    KEY,
    '--quiet',
    ...args,
  ]);
  try {
    return await run(emulator);
  } finally {
    await emulator.close();
  }
}

const createJobs = (emulator, n) =>
  Promise.all(
    Array.from({ length: n }, () =>
      fetch(`${emulator.url}/v1/videos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: '{"prompt":"bench"}',
      }).then((r) => r.json().then((v) => v.id)),
    ),
  );

/** GETs of `/v1/videos/{id}` the emulator served (for the given ids), and clears its log. */
async function statusReads(emulator, ids) {
  const log = await fetch(`${emulator.url}/_emulator/requests`).then((r) => r.json());
  await fetch(`${emulator.url}/_emulator/requests`, { method: 'DELETE' });
  const paths = new Set(ids.map((id) => `/v1/videos/${id}`));
  const entries = log.data ?? [];
  return entries.filter((r) => r.method === 'GET' && paths.has(r.path)).length;
}

const startHandlers = (n, emulator, ids, env = {}) =>
  Promise.all(
    Array.from({ length: n }, () =>
      startServer(process.execPath, [CHILDREN, 'handler', emulator.url, KEY, ...ids], { env }),
    ),
  );

const reader = (handler) =>
  createSoraClient({ apiKey: null, baseUrl: `${handler.url}/api/sora`, maxRetries: 2 });

/** Upstream status requests of one job read by `counts` readers each, spread over `instances` handlers. */
export async function measureCoalesced({ counts = [1, 20, 200], jobs = 3, jobSeconds = 6 } = {}) {
  const redis = await startRedis();
  try {
    return await withEmulator(['--job-seconds', String(jobSeconds)], async (emulator) => {
      const result = {};
      for (const [name, instances, env] of [
        ['one instance', 1, {}],
        ['3 instances sharing Redis', 3, { BENCH_STATUS: 'redis', REDIS_URL: redis.url }],
      ]) {
        result[name] = {};
        const handlers = await startHandlers(instances, emulator, [], { ...env, BENCH_OWN_ALL: '1' });
        try {
          for (const n of counts) {
            // `jobs` jobs at once, each read by `n` readers: their sum evens out the request or two that one
            // job's timing may cost either way on a loaded machine.
            const ids = await createJobs(emulator, jobs);
            await statusReads(emulator, []);
            await Promise.all(
              ids.flatMap((id) =>
                Array.from({ length: n }, (_, i) => reader(handlers[i % instances]).videos.poll(id)),
              ),
            );
            result[name][n] = await statusReads(emulator, ids);
          }
        } finally {
          await Promise.all(handlers.map((h) => h.close()));
        }
      }
      return result;
    });
  } finally {
    await redis.stop();
  }
}

const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
};

/** 1,000 readers of 100 jobs through one handler process, each contender on jobs of its own. */
export async function measureCrowd({ jobs = 100, perJob = 10, jobSeconds = 10 } = {}) {
  return withEmulator(['--job-seconds', String(jobSeconds)], async (emulator) => {
    const result = {};
    for (const [name, env] of [
      ['shared status', {}],
      ['per-reader (before)', { BENCH_STATUS: 'per-reader' }],
    ]) {
      const ids = await createJobs(emulator, jobs);
      const [handler] = await startHandlers(1, emulator, ids, env);
      try {
        await statusReads(emulator, []);
        const cpu0 = cpuSeconds(handler.child.pid);
        const t0 = performance.now();
        const clients = Array.from({ length: 20 }, () => reader(handler));
        await Promise.all(
          ids.flatMap((id, j) =>
            Array.from({ length: perJob }, (_, i) => clients[(j + i) % 20].videos.poll(id)),
          ),
        );
        const seconds = (performance.now() - t0) / 1000;
        const upstream = await statusReads(emulator, ids);
        result[name] = {
          upstream,
          perSecond: upstream / seconds,
          seconds,
          cpuSeconds: cpuSeconds(handler.child.pid) - cpu0,
          peakRssMB: peakRssMB(handler.child.pid),
        };
      } finally {
        await handler.close();
      }
    }
    return result;
  });
}

const SECRET_BYTES = Buffer.from('a bench webhook secret, 32 bytes');
const SECRET = `whsec_${SECRET_BYTES.toString('base64')}`;

/** Reads an event stream until a completed job shows; resolves with when that was (performance.now()). */
async function streamUntilDone(url) {
  const response = await fetch(url);
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of response.body) {
    text += decoder.decode(chunk, { stream: true });
    if (/"status":\s*"completed"/.test(text)) {
      const at = performance.now();
      await response.body.cancel().catch(() => {});
      return at;
    }
  }
  throw new Error('the stream ended before the job completed');
}

/** From the webhook's arrival to the end shown: on an event stream, and to a poller (core's poll). */
export async function measureWebhook({ jobs = 5, jobSeconds = 10 } = {}) {
  // The webhook comes to this process first (its arrival timed here), then goes on to the handler.
  let forward = '';
  const arrivals = new Map();
  const hooks = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    arrivals.set(JSON.parse(body).data.id, performance.now());
    const answer = await fetch(forward, { method: 'POST', headers: req.headers, body });
    res.writeHead(answer.status).end();
  });
  await new Promise((r) => hooks.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${hooks.address().port}/`;
  try {
    return await withEmulator(
      ['--job-seconds', String(jobSeconds), '--webhook-url', hookUrl, '--webhook-secret', SECRET],
      async (emulator) => {
        const stream = [];
        const poll = [];
        const [handler] = await startHandlers(1, emulator, [], {
          WEBHOOK_SECRET: SECRET,
          BENCH_OWN_ALL: '1',
        });
        forward = `${handler.url}/hooks`;
        try {
          // The first round warms the handler's code paths up and is not counted.
          for (let i = 0; i <= jobs; i++) {
            const ids = await createJobs(emulator, 2);
            const [streamed, polled] = await Promise.all([
              streamUntilDone(`${handler.url}/api/sora/v1/videos/${ids[0]}/events`),
              reader(handler)
                .videos.poll(ids[1])
                .then(() => performance.now()),
            ]);
            if (i === 0) continue;
            stream.push(streamed - arrivals.get(ids[0]));
            poll.push(polled - arrivals.get(ids[1]));
          }
        } finally {
          await handler.close();
        }
        return {
          stream: median(stream),
          streamMax: Math.max(...stream),
          poll: median(poll),
          pollMax: Math.max(...poll),
          jobs,
        };
      },
    );
  } finally {
    hooks.close();
  }
}
