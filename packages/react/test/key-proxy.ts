import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for `@sora-kit/server` in the browser's path: forwards `/v1/videos…` to `target` with the key
 * added, so a client with `apiKey: null` works (as it would behind the real handler). `prefix` is where it is
 * mounted (`/api/sora`: a page's `baseUrl`). Listens on a free port on 127.0.0.1.
 */
export async function startKeyProxy(target: string, key: string, prefix = '') {
  const server = createServer((req, res) => {
    if (!req.url?.startsWith(`${prefix}/v1/videos`)) {
      res.writeHead(404).end();
      return;
    }
    req.url = req.url.slice(prefix.length);
    const headers = { ...req.headers, host: new URL(target).host, authorization: `Bearer ${key}` };
    const upstream = request(new URL(req.url, target), { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}
