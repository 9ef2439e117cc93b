// The web app's server: the page, its script (core bundled for the browser), and the key-holding proxy.
// With SORA_API_KEY unset it starts @sora-kit/emulator in-process, so `pnpm start` works offline.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createProxy } from './proxy.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** Bundles the page's script for browsers, once, in memory. */
async function bundleBrowserScript() {
  const result = await build({
    entryPoints: [here('./browser.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  return result.outputFiles[0].text;
}

/**
 * Starts the app. Options: `port` (default 0 = any free port), `host` (default 127.0.0.1), `apiKey` and
 * `baseUrl` (default SORA_API_KEY / SORA_BASE_URL; with no key, an embedded emulator), `jobSeconds` for
 * that emulator (default 4).
 */
export async function startApp(options = {}) {
  const apiKey = options.apiKey ?? process.env.SORA_API_KEY;
  let emulator;
  let upstream = options.baseUrl ?? process.env.SORA_BASE_URL ?? 'https://api.gpt.ge';
  let key = apiKey;
  if (!apiKey) {
    const { startEmulator } = await import('@sora-kit/emulator');
    key = 'sk-example-server-side-only';
    emulator = await startEmulator({ jobSeconds: options.jobSeconds ?? 4, apiKey: key, quiet: true });
    upstream = emulator.url;
  }
  const proxy = createProxy({ upstream, apiKey: key });
  const [html, script] = await Promise.all([readFile(here('../public/index.html')), bundleBrowserScript()]);

  const server = createServer(async (req, res) => {
    try {
      if (req.url === '/' || req.url === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      } else if (req.url === '/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
      } else if (req.url?.startsWith('/api/sora/')) {
        const request = new Request(`http://${req.headers.host}${req.url}`, {
          method: req.method,
          headers: req.headers,
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req),
          duplex: 'half',
        });
        const response = await proxy(request);
        res.writeHead(response.status, Object.fromEntries(response.headers));
        if (response.body) Readable.fromWeb(response.body).pipe(res);
        else res.end();
      } else {
        res.writeHead(404).end('Not found');
      }
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`Upstream error: ${error.message}`);
    }
  });
  await new Promise((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    emulator,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await emulator?.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const app = await startApp({ port: Number(process.env.PORT ?? 3000) });
  console.log(`web app on ${app.url}${app.emulator ? ` (embedded emulator at ${app.emulator.url})` : ''}`);
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
