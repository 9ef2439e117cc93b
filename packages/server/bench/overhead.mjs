// `retrieve` (GET /v1/videos/{id}) on loopback, every server in a process of its own: the emulator; the
// handler behind its Node adapter in front of it; and the floor, the least a Node proxy can do in front of
// it (children.mjs). Contenders, alternating call by call in blocks (the harness's `interleave`):
//   direct       `fetch` straight to the emulator with the key (the baseline)
//   handler      the same through the handler's process (an extra HTTP hop, as an app serves it)
//   floor        the same through the floor proxy's process (the extra hop alone)
//   fetch floor  the same through a bare proxy on `fetch`, as the handler is (children.mjs)
//   in-process   the handler called in this process with a `Request` (the job's shared status is fresh:
//                served from the status hub)
//   in-process upstream  the same with a status hub that is never fresh: every read asks the API (the
//                handler's own work on the upstream path, without the hop)
//   in-process floor  the least any in-process handler that reads the API's answer and serves it again can
//                do: `fetch` (with a timeout signal), the body read and parsed, a new `Response` of it
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { interleave, startServer } from '../../../scripts/bench/harness.mjs';
import { createSoraHandler, createStatusHub, memoryStatusStore, memoryStore } from '../dist/index.js';
import { own } from './own.mjs';

const KEY = 'sk-bench-0123456789';
const CHILDREN = new URL('./children.mjs', import.meta.url).pathname;
const EMULATOR = join(dirname(createRequire(import.meta.url).resolve('@sora-kit/emulator')), 'bin.js');

export async function measureOverhead({ blocks = 11, rounds = 150, warmup = 200 } = {}) {
  const servers = [];
  const start = async (...args) => {
    const server = await startServer(process.execPath, args);
    servers.push(server);
    return server;
  };
  try {
    const emulator = await start(
      EMULATOR,
      '--port',
      '0',
      '--api-key',
      KEY,
      '--quiet',
      '--job-seconds',
      '3600',
    );
    const created = await fetch(`${emulator.url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: '{"prompt":"bench"}',
    }).then((r) => r.json());
    const id = created.id;
    const [handler, floor, fetchFloor] = await Promise.all([
      start(CHILDREN, 'handler', emulator.url, KEY, id),
      start(CHILDREN, 'floor', emulator.url),
      start(CHILDREN, 'fetch-floor', emulator.url),
    ]);
    const store = memoryStore();
    await own(store, 'bench', [id]);
    const options = { apiKey: KEY, baseUrl: emulator.url, store, authorize: () => ({ userId: 'bench' }) };
    const inProcess = createSoraHandler(options);
    // The same handler whose shared status is never fresh: every read asks the API, as the first read of a
    // job and every read after its entry went stale do. This is the handler's own work on a poll.
    const never = { ...memoryStatusStore(), get: () => undefined };
    const inProcessUpstream = createSoraHandler({ ...options, status: createStatusHub({ store: never }) });
    const headers = { authorization: `Bearer ${KEY}` };
    const path = `/v1/videos/${id}`;
    const floorHandler = async (_request) => {
      const answer = await fetch(`${emulator.url}${path}`, { headers, signal: AbortSignal.timeout(60_000) });
      const text = await answer.text();
      JSON.parse(text);
      return new Response(text, { headers: { 'content-type': 'application/json' } });
    };
    const json = async (answer) => {
      const response = await answer;
      if (!response.ok) throw new Error(`retrieve answered ${response.status}`);
      return response.json();
    };
    const results = await interleave(
      {
        direct: () => json(fetch(`${emulator.url}${path}`, { headers })),
        handler: () => json(fetch(`${handler.url}/api/sora${path}`)),
        floor: () => json(fetch(`${floor.url}/api/sora${path}`, { headers })),
        'fetch floor': () => json(fetch(`${fetchFloor.url}/api/sora${path}`, { headers })),
        'in-process': () => json(inProcess(new Request(`http://localhost/api/sora${path}`))),
        'in-process floor': () => json(floorHandler(new Request(`http://localhost/api/sora${path}`))),
        'in-process upstream': () => json(inProcessUpstream(new Request(`http://localhost/api/sora${path}`))),
      },
      { baseline: 'direct', blocks, rounds, warmup },
    );
    return { blocks, rounds, ...results };
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}
