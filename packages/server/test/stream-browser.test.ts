// In Chromium: @sora-kit/react's hooks on a page served beside the handler follow the job's event stream,
// and a verified webhook reaches the page without waiting for a poll (the emulator asks for one a minute
// later). Against a server without the stream (a plain gateway, an old server) the same page polls.
import { createServer, type Server } from 'node:http';
import type { RunningEmulator } from '@sora-kit/emulator';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSoraHandler, createStatusHub, createWebhookHandler } from '../src/index.js';
import { toNodeListener } from '../src/node/index.js';
import { closeServer, cookieAuth, emulator, KEY, listen } from './support.js';

const SECRET = `whsec_${Buffer.from('a webhook secret of 32 bytes....').toString('base64')}`;

// The page: one job watched by three components (one stream per tab whatever the number of components).
const PAGE = `
  import { createSoraClient } from '@sora-kit/core';
  import { SoraProvider, useVideo } from '../../react/src/index.ts';
  import { useEffect, useState } from 'react';
  import { createRoot } from 'react-dom/client';
  const params = new URLSearchParams(location.search);
  const client = createSoraClient({ baseUrl: params.get('base'), apiKey: null });
  window.seen = [];
  function Watch({ n, id }) {
    const { status, progress } = useVideo(id);
    useEffect(() => {
      if (n === 1 && status) window.seen.push(status);
      if (status === 'completed') window.shownAt ??= Date.now();
    }, [status]);
    return <p id={'w' + n}>{status ?? 'pending'} {progress ?? 0}</p>;
  }
  // The test opens the page first, then creates the job and hands its id over (window.watch).
  function App() {
    const [id, setId] = useState(null);
    window.watch = setId;
    return <SoraProvider client={client}><Watch n={1} id={id} /><Watch n={2} id={id} /><Watch n={3} id={id} /></SoraProvider>;
  }
  createRoot(document.getElementById('root')).render(<App />);`;

let browser: Browser;
let emu: RunningEmulator;
let site: Server;
let url: string;
let hookArrivedAt: number | undefined;
const requests: string[] = [];

beforeAll(async () => {
  const script = await build({
    stdin: { contents: PAGE, resolveDir: import.meta.dirname, loader: 'tsx' },
    jsx: 'automatic',
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const html = `<!doctype html><title>watch</title><div id="root"></div><script type="module">${script.outputFiles[0]!.text}</script>`;
  let handler: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  let old: (request: Request) => Promise<Response> = handler;
  let hooks: (request: Request) => Promise<Response> = handler;
  // One origin: the page, the handler, an "old server" without the stream under /old, and the webhook.
  site = createServer((req, res) => {
    const path = req.url ?? '';
    if (!path.startsWith('/hooks')) requests.push(`${req.method} ${path}`);
    if (process.env.DEBUG_STREAM) console.log(Date.now(), req.method, path);
    if (path.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    if (path.startsWith('/hooks')) hookArrivedAt = Date.now();
    const target = path.startsWith('/hooks') ? hooks : path.startsWith('/old/') ? old : handler;
    toNodeListener(target)(req, res);
  });
  url = await listen(site);
  emu = await emulator({
    jobSeconds: 4,
    pollAfterMs: 60_000,
    webhook: { url: `${url}/hooks/sora`, secret: SECRET },
  });
  const status = createStatusHub();
  handler = createSoraHandler({ apiKey: KEY, baseUrl: emu.url, authorize: cookieAuth, status });
  hooks = createWebhookHandler({ secret: SECRET, status });
  // An old server: the same handler under /old/api/sora, but no event stream (404, as any unknown route).
  const plain = createSoraHandler({
    apiKey: KEY,
    baseUrl: emu.url,
    authorize: cookieAuth,
    basePath: '/old/api/sora',
  });
  old = (request) =>
    new URL(request.url).pathname.endsWith('/events')
      ? Promise.resolve(new Response('Not found', { status: 404 }))
      : plain(request);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await emu?.close();
  if (site) await closeServer(site);
});

async function create(base: string): Promise<string> {
  const response = await fetch(`${url}${base}/v1/videos`, {
    method: 'POST',
    headers: { cookie: 'session=ann', origin: url, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'watched in a browser' }),
  });
  return ((await response.json()) as { id: string }).id;
}

/** Opens the page, then creates a job and has the page watch it (so the page is ready before the job ends). */
async function open(base: string) {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'session', value: 'ann', url }]);
  const page = await context.newPage();
  await page.goto(`${url}/?base=${encodeURIComponent(`${url}${base}`)}`);
  await page.waitForFunction(() => typeof (window as { watch?: unknown }).watch === 'function');
  const id = await create(base);
  await page.evaluate((id) => (window as unknown as { watch(id: string): void }).watch(id), id);
  return { page, context, id };
}

describe('in Chromium: the hooks and the event stream', () => {
  test('the hooks stream; the webhook brings completion to the page without a poll', async () => {
    requests.length = 0;
    hookArrivedAt = undefined;
    const { page, context, id } = await open('/api/sora');
    try {
      // (Waits on the page's own event: the emulator's next-poll hint is a minute away.)
      await page.waitForFunction(() => (window as { shownAt?: number }).shownAt !== undefined, null, {
        timeout: 40_000,
      });
      const shownAt = await page.evaluate(() => (window as unknown as { shownAt: number }).shownAt);
      expect(hookArrivedAt).toBeDefined();
      // The page saw the job unfinished first, so the end it shows came after it opened.
      expect((await page.evaluate(() => (window as unknown as { seen: string[] }).seen))[0]).not.toBe(
        'completed',
      );
      console.log(`webhook to page: ${shownAt - hookArrivedAt!} ms`);
      for (const n of [1, 2, 3]) expect(await page.textContent(`#w${n}`)).toMatch(/^completed/);
      const mine = requests.filter((r) => r.includes(id));
      // One stream for three components, and one read at the end (served from the store).
      expect(mine.filter((r) => r.endsWith('/events'))).toHaveLength(1);
      expect(mine.filter((r) => r === `GET /api/sora/v1/videos/${id}`)).toHaveLength(1);
      const upstream = emu.requests().filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}`);
      expect(upstream.length).toBeLessThanOrEqual(3);
    } finally {
      await context.close();
    }
  }, 60_000);

  test('against a server without the stream, the same page polls', async () => {
    requests.length = 0;
    const { page, context, id } = await open('/old/api/sora');
    try {
      // The job takes 2 s; the emulator's hint would make core wait a minute, so wait on the page's own reads.
      await page.waitForFunction(() => document.querySelector('#w1')?.textContent !== 'pending 0', null, {
        timeout: 30_000,
      });
      const mine = requests.filter((r) => r.includes(id));
      expect(mine.filter((r) => r.endsWith('/events'))).toHaveLength(1);
      expect(mine.filter((r) => r === `GET /old/api/sora/v1/videos/${id}`).length).toBeGreaterThanOrEqual(1);
    } finally {
      await context.close();
    }
  }, 60_000);
});
