// Child processes of the bench, each a real server on a free port that prints `listening on PORT`:
//   node children.mjs media               a stand-in API whose /content is SIZE bytes of video/mp4
//   node children.mjs handler BASE_URL    the built handler behind the Node adapter (IPC 'rss' answers maxRSS)
//   node children.mjs pipe BASE_URL       the least a Node proxy can do, http.get(...).pipe(res): the floor
import { createServer, get } from 'node:http';

const [role, baseUrl] = process.argv.slice(2);

if (role === 'media') {
  const size = Number(process.env.SIZE);
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const server = createServer((req, res) => {
    if (!req.url.endsWith('/content')) return res.writeHead(404).end('{}');
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(size) });
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const part = size - sent >= chunk.length ? chunk : chunk.subarray(0, size - sent);
        sent += part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
}

if (role === 'handler') {
  const { createSoraHandler, memoryStore } = await import('../dist/index.js');
  const { toNodeListener } = await import('../dist/node/index.js');
  const store = memoryStore();
  store.add('bench', 'video_bench', 'video', Date.now());
  const handler = createSoraHandler({
    apiKey: 'sk-bench-0123456789',
    baseUrl,
    store,
    authorize: () => ({ userId: 'bench' }),
  });
  const server = createServer(toNodeListener(handler));
  server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
  process.on('message', (message) => {
    if (message === 'rss') process.send({ maxRssMB: process.resourceUsage().maxRSS / 1024 });
  });
}

if (role === 'pipe') {
  const server = createServer((req, res) =>
    get(`${baseUrl}${req.url.replace('/api/sora', '')}`, (upstream) => {
      res.writeHead(upstream.statusCode, upstream.headers);
      upstream.pipe(res);
    }),
  );
  server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
  process.on('message', (message) => {
    if (message === 'rss') process.send({ maxRssMB: process.resourceUsage().maxRSS / 1024 });
  });
}
