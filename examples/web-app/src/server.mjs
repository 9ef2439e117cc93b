// The web app's server: the page, its script (core bundled for the browser), and @sora-kit/server's
// handler under /api/sora, which holds the key. With SORA_API_KEY unset it starts @sora-kit/emulator
// in-process, so `pnpm start` works offline.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createSoraHandler } from '@sora-kit/server';
import { toNodeListener } from '@sora-kit/server/node';
import { build } from 'esbuild';

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
  let baseUrl = options.baseUrl ?? process.env.SORA_BASE_URL ?? 'https://api.gpt.ge';
  let key = apiKey;
  if (!apiKey) {
    const { startEmulator } = await import('@sora-kit/emulator');
    key = 'sk-example-server-side-only';
    emulator = await startEmulator({ jobSeconds: options.jobSeconds ?? 4, apiKey: key, quiet: true });
    baseUrl = emulator.url;
  }
  const sora = toNodeListener(
    createSoraHandler({
      apiKey: key,
      baseUrl,
      // This example has no sign-in: one anonymous user. A real app returns the signed-in user's id from its
      // session (null for a 401), and each user then sees only their own jobs.
      authorize: () => ({ userId: 'anonymous' }),
    }),
  );
  const [html, icon, script] = await Promise.all([
    readFile(here('../public/index.html')),
    readFile(here('../public/favicon.svg')),
    bundleBrowserScript(),
  ]);

  const server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (req.url === '/favicon.ico' || req.url === '/favicon.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }).end(icon);
    } else if (req.url?.startsWith('/api/sora/')) {
      sora(req, res);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  });
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
  } catch (error) {
    await emulator?.close();
    if (error.code === 'EADDRINUSE') {
      throw Object.assign(new Error(`Port ${port} on ${host} is already in use.`), {
        code: 'EADDRINUSE',
        port,
      });
    }
    throw error;
  }
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    emulator,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await emulator?.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  let app;
  try {
    app = await startApp({ port });
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    console.error(
      `${error.message} Stop what runs there, or choose another port: PORT=${port + 1} pnpm -C examples/web-app start`,
    );
    process.exit(1);
  }
  console.log(`web app on ${app.url}${app.emulator ? ` (embedded emulator at ${app.emulator.url})` : ''}`);
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
