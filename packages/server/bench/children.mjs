// The servers of the bench, each run as a process of its own (by the harness's `startServer`), each
// printing its URL (`http://127.0.0.1:PORT`) once it listens on a free port:
//   node children.mjs handler API_URL KEY [ID...]  the built handler behind its Node adapter, in front of
//                                                  the API at API_URL; the user `bench` owns each ID
//   node children.mjs floor API_URL                the least a Node proxy can do in front of the same API:
//                                                  http.request(...) piped both ways, headers as they come
//   node children.mjs fetch-floor API_URL          the least a proxy on `fetch` (as the handler is) can do:
//                                                  fetch(...) with the request's key, its body written out
// Only the modules each role needs are loaded, so a process's memory is its server's.
import { createServer, request } from 'node:http';

const [role, apiUrl, key, ...ids] = process.argv.slice(2);
const listen = (server) =>
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));

if (role === 'handler') {
  const { createSoraHandler, createStatusHub, createWebhookHandler, memoryStore } = await import(
    '../dist/index.js'
  );
  const { toNodeListener } = await import('../dist/node/index.js');
  const { own } = await import('./own.mjs');
  const store = memoryStore();
  await own(store, 'bench', ids);
  // BENCH_OWN_ALL: the user owns every id (jobs made after the handlers start, on several instances).
  if (process.env.BENCH_OWN_ALL) store.owns = () => true;
  // BENCH_STATUS: `per-reader` is the read path before the shared status (every read one upstream request);
  // `redis` shares entries through REDIS_URL; otherwise the default memory hub.
  let status;
  if (process.env.BENCH_STATUS === 'per-reader') status = perReader();
  else if (process.env.BENCH_STATUS === 'redis') {
    const { Redis } = await import('ioredis');
    const { redisStatusStore } = await import('../dist/store/redis.js');
    const client = new Redis(process.env.REDIS_URL);
    status = createStatusHub({ store: redisStatusStore(client, { subscriber: client.duplicate() }) });
  } else status = createStatusHub();
  const handler = createSoraHandler({
    apiKey: key,
    baseUrl: apiUrl,
    store,
    status,
    authorize: () => ({ userId: 'bench' }),
  });
  const secret = process.env.WEBHOOK_SECRET;
  const hooks = secret ? createWebhookHandler({ secret, status }) : undefined;
  const serve = toNodeListener(handler);
  const serveHooks = hooks && toNodeListener(hooks);
  listen(createServer((req, res) => (serveHooks && req.url === '/hooks' ? serveHooks : serve)(req, res)));
} else if (role === 'floor') {
  const api = new URL(apiUrl);
  listen(
    createServer((req, res) => {
      const path = req.url.replace(/^\/api\/sora/, '');
      const headers = { ...req.headers, host: api.host };
      const upstream = request(
        { host: api.hostname, port: api.port, path, method: req.method, headers },
        (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    }),
  );
} else if (role === 'fetch-floor') {
  listen(
    createServer(async (req, res) => {
      try {
        const headers = { 'accept-encoding': 'identity' };
        if (req.headers.authorization) headers.authorization = req.headers.authorization;
        const answer = await fetch(`${apiUrl}${req.url.replace(/^\/api\/sora/, '')}`, { headers });
        const length = answer.headers.get('content-length');
        res.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
          ...(length ? { 'content-length': length } : {}),
        });
        for await (const chunk of answer.body) {
          if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
        }
        res.end();
      } catch {
        res.destroy();
      }
    }),
  );
} else {
  throw new Error(`unknown role ${role}: handler, floor or fetch-floor`);
}
process.on('SIGTERM', () => process.exit(0));

/** A status hub that asks the API for every read: what each reader cost before the shared status. */
function perReader() {
  let version = 0;
  return {
    store: { get: () => undefined, set() {}, claim: () => true, release() {} },
    async read(_id, ask) {
      const answer = await ask();
      if (answer.status !== 200) return { answer };
      const pollAfter = Number(answer.headers.get('openai-poll-after-ms') ?? 1000);
      const status = answer.json?.status;
      const final = status === 'completed' || status === 'failed';
      const entry = {
        version: ++version,
        body: answer.text,
        at: Date.now(),
        due: Date.now() + pollAfter,
        final,
        samples: [],
      };
      return { entry };
    },
    watch: () => () => {},
    ended: async () => {},
  };
}
