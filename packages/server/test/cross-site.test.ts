// Cross-site safety: another site's page must not read, create or delete through the handler, even with
// the weakest app (anonymous authorize, so no cookie stands in the way). First the headers' rules, then
// the real thing: pages on a second origin in Chromium.
import { createServer, type Server } from 'node:http';
import type { RunningEmulator } from '@sora-kit/emulator';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSoraHandler } from '../src/index.js';
import { toNodeListener } from '../src/node/index.js';
import { type App, closeServer, emulator, KEY, listen, startApp } from './support.js';

let emu: RunningEmulator;
let app: App;
beforeAll(async () => {
  emu = await emulator();
  app = await startApp({
    baseUrl: emu.url,
    authorize: () => ({ userId: 'anonymous' }),
    // One user makes every job of this file: the cost policy is not what these cases are about.
    policy: { maxInFlight: 100, maxJobsPerWindow: 100 },
  });
});
afterAll(async () => {
  await app?.close();
  await emu?.close();
});

const creates = () => emu.requests().filter((r) => r.method === 'POST').length;
const post = (headers: Record<string, string>) =>
  fetch(`${app.url}/api/sora/v1/videos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{"prompt":"p"}',
  });

describe('the rules, header by header', () => {
  test('a state-changing request needs a same-origin Origin or Sec-Fetch-Site', async () => {
    const before = creates();
    const attempts: Record<string, string>[] = [
      {},
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'http://evil.example', 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of attempts) {
      const response = await post(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await response.json()).error.code).toBe('cross_site_request');
    }
    expect(creates()).toBe(before);
    expect((await post({ origin: app.url })).status).toBe(200);
    expect((await post({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  test('gateway mode: a bearer token with no browser header passes; with a foreign page header it does not', async () => {
    const bearer = { authorization: 'Bearer user-token-1' };
    const before = creates();
    const refused: Record<string, string>[] = [
      { ...bearer, origin: 'http://evil.example' },
      { ...bearer, origin: 'null' },
      { ...bearer, 'sec-fetch-site': 'cross-site' },
      { ...bearer, 'sec-fetch-site': 'same-site' },
      { ...bearer, 'sec-fetch-site': 'none' },
      // Browsers attach cached Basic credentials on their own: only a bearer token says "code set this".
      { authorization: `Basic ${btoa('user:pass')}` },
      { authorization: 'Bearer ' },
      { authorization: 'user-token-1' },
    ];
    for (const headers of refused) {
      const response = await post(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await response.json()).error.code).toBe('cross_site_request');
    }
    expect(creates()).toBe(before);
    // The official SDKs, curl and Python requests send this: no Origin, no Sec-Fetch-Site.
    expect((await post(bearer)).status).toBe(200);
    expect((await post({ authorization: 'bearer user-token-1' })).status).toBe(200);
    const deleted = await fetch(`${app.url}/api/sora/v1/videos/video_none`, {
      method: 'DELETE',
      headers: bearer,
    });
    expect(deleted.status).toBe(404); // past the cross-site check, then ownership
    expect(creates()).toBe(before + 2);
  });

  test('cross-site reads are refused; server-side reads (no Sec-Fetch-Site) pass without CORS headers', async () => {
    const refused = await fetch(`${app.url}/api/sora/v1/videos`, {
      headers: { 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' },
    });
    expect(refused.status).toBe(403);
    const plain = await fetch(`${app.url}/api/sora/v1/videos`, {
      headers: { origin: 'http://evil.example' },
    });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('no preflight is answered unless cors lists the origin', async () => {
    const preflight = (url: string, origin: string) =>
      fetch(`${url}/api/sora/v1/videos`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const none = await preflight(app.url, 'http://evil.example');
    expect(none.status).toBe(405);
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    const withCors = await startApp({
      baseUrl: emu.url,
      authorize: () => ({ userId: 'anonymous' }),
      cors: { origins: ['http://friend.example'] },
    });
    try {
      const friend = await preflight(withCors.url, 'http://friend.example');
      expect(friend.status).toBe(204);
      expect(friend.headers.get('access-control-allow-origin')).toBe('http://friend.example');
      expect(friend.headers.get('access-control-allow-methods')).toBe('GET, POST');
      const stranger = await preflight(withCors.url, 'http://evil.example');
      expect(stranger.status).toBe(405);
      const created = await fetch(`${withCors.url}/api/sora/v1/videos`, {
        method: 'POST',
        headers: { origin: 'http://friend.example', 'content-type': 'application/json' },
        body: '{"prompt":"p"}',
      });
      expect(created.status).toBe(200);
      expect(created.headers.get('access-control-allow-origin')).toBe('http://friend.example');
    } finally {
      await withCors.close();
    }
  });
});

describe('in Chromium: a page on another origin', () => {
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  let attacker: Server;
  let attackerUrl: string;
  let videoId: string;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    // The app: its page and the handler on one origin (127.0.0.1).
    const handler = createSoraHandler({
      apiKey: KEY,
      baseUrl: emu.url,
      authorize: () => ({ userId: 'anonymous' }),
    });
    const listener = toNodeListener(handler);
    site = createServer((req, res) => {
      if (req.url === '/')
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>');
      else listener(req, res);
    });
    siteUrl = await listen(site);
    // The attacker: any page on a second origin (localhost, another port).
    attacker = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'),
    );
    attackerUrl = (await listen(attacker)).replace('127.0.0.1', 'localhost');
    const made = await fetch(`${siteUrl}/api/sora/v1/videos`, {
      method: 'POST',
      headers: { origin: siteUrl, 'content-type': 'application/json' },
      body: '{"prompt":"the victim\'s secret prompt"}',
    });
    videoId = (await made.json()).id;
  });
  afterAll(async () => {
    await browser?.close();
    if (site) await closeServer(site);
    if (attacker) await closeServer(attacker);
  });

  /** Runs the same attempts from a page of `origin`; answers what the page could see. */
  async function attempts(origin: string) {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/`);
      return await page.evaluate(
        async ({ api, id }) => {
          const out: Record<string, string> = {};
          const attempt = async (name: string, run: () => Promise<string>) => {
            try {
              out[name] = await run();
            } catch (error) {
              out[name] = `blocked: ${(error as Error).name}`;
            }
          };
          await attempt('read list', async () =>
            (await fetch(`${api}/v1/videos`, { credentials: 'include' })).text(),
          );
          await attempt('json create', async () => {
            const r = await fetch(`${api}/v1/videos`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: '{"prompt":"pay for me"}',
            });
            return `status ${r.status}`;
          });
          await attempt('simple create (text/plain, no preflight)', async () => {
            const r = await fetch(`${api}/v1/videos`, {
              method: 'POST',
              mode: 'no-cors',
              headers: { 'content-type': 'text/plain' },
              body: '{"prompt":"pay for me"}',
            });
            return `type ${r.type}`;
          });
          await attempt('multipart create (no preflight)', async () => {
            const form = new FormData();
            form.set('prompt', 'pay for me');
            const r = await fetch(`${api}/v1/videos`, { method: 'POST', mode: 'no-cors', body: form });
            return `type ${r.type}`;
          });
          await attempt('bearer create (preflighted)', async () => {
            const r = await fetch(`${api}/v1/videos`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: 'Bearer stolen-or-guessed' },
              body: '{"prompt":"pay for me"}',
            });
            return `status ${r.status}`;
          });
          await attempt('bearer create (no-cors drops the header)', async () => {
            const r = await fetch(`${api}/v1/videos`, {
              method: 'POST',
              mode: 'no-cors',
              headers: { 'content-type': 'text/plain', authorization: 'Bearer stolen-or-guessed' },
              body: '{"prompt":"pay for me"}',
            });
            return `type ${r.type}`;
          });
          await attempt(
            'delete',
            async () => `status ${(await fetch(`${api}/v1/videos/${id}`, { method: 'DELETE' })).status}`,
          );
          return out;
        },
        { api: `${siteUrl}/api/sora`, id: videoId },
      );
    } finally {
      await page.close();
    }
  }

  test('cannot read, create or delete; a multipart form POST is refused too', async () => {
    const before = creates();
    const deletes = emu.requests().filter((r) => r.method === 'DELETE').length;
    const seen = await attempts(attackerUrl);
    expect(seen['read list']).toBe('blocked: TypeError'); // no CORS header: the answer is not readable
    expect(seen['json create']).toBe('blocked: TypeError'); // preflight refused
    expect(seen['bearer create (preflighted)']).toBe('blocked: TypeError'); // preflight refused
    expect(seen.delete).toBe('blocked: TypeError');
    // A plain HTML form from the attacker's page, the oldest cross-site POST there is.
    const page = await browser.newPage();
    await page.goto(`${attackerUrl}/`);
    const answer = page.waitForResponse((r) => r.url().includes('/api/sora/v1/videos'));
    await page.setContent(
      `<form method="post" enctype="multipart/form-data" action="${siteUrl}/api/sora/v1/videos"><input name="prompt" value="pay for me"></form>`,
    );
    await page.evaluate(() => document.forms[0]!.submit());
    expect((await answer).status()).toBe(403);
    await page.close();
    expect(creates()).toBe(before); // nothing reached the API
    expect(emu.requests().filter((r) => r.method === 'DELETE').length).toBe(deletes);
    expect(JSON.stringify(seen)).not.toContain("victim's secret");
  });

  test("the same attempts from the app's own page all work (so the test can tell)", async () => {
    const before = creates();
    const seen = await attempts(siteUrl);
    expect(seen['read list']).toContain("victim's secret prompt");
    expect(seen['json create']).toBe('status 200');
    expect(seen.delete).toBe('status 200');
    expect(creates()).toBeGreaterThan(before);
  });
});
