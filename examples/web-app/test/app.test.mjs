// The example runs for real: its server with the embedded emulator, its page in Chromium. The browser
// generates a video through core and plays it; the key never reaches the browser.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../src/server.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

let app;
let browser;
beforeAll(async () => {
  app = await startApp({ jobSeconds: 1.5 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('web app example', () => {
  it('generates, shows progress and plays the video in the browser, with no key in the page', async () => {
    const page = await browser.newPage();
    const sentFromPage = [];
    const failed = [];
    page.on('request', (request) => sentFromPage.push(request.headers()));
    page.on(
      'response',
      (response) => response.status() >= 400 && failed.push(`${response.status()} ${response.url()}`),
    );
    page.on('console', (message) => message.type() === 'error' && failed.push(message.text()));
    // A request that got its whole answer and was cancelled afterwards shows as failed in DevTools
    // (net::ERR_ABORTED): none may, over the whole job (create, every status poll, the content).
    page.on('requestfailed', (request) =>
      failed.push(`${request.method()} ${request.url()} ${request.failure()?.errorText}`),
    );
    const statuses = [];
    await page.exposeFunction('recordStatus', (text) => statuses.push(text));
    await page.goto(app.url);
    await page.evaluate(() => {
      new MutationObserver(() => window.recordStatus(document.getElementById('status').textContent)).observe(
        document.getElementById('status'),
        { childList: true, characterData: true, subtree: true },
      );
    });
    await page.selectOption('#seconds', '4');
    await page.click('#go');
    await page.waitForFunction(() => document.getElementById('video').readyState >= 1, null, {
      timeout: 30_000,
    });

    const media = await page.evaluate(() => {
      const video = document.getElementById('video');
      return {
        width: video.videoWidth,
        height: video.videoHeight,
        duration: video.duration,
        error: document.getElementById('error').textContent,
      };
    });
    expect(media).toEqual({ width: 1280, height: 720, duration: expect.closeTo(4, 1), error: '' });
    expect(statuses.some((s) => /^in_progress \d+%$/.test(s))).toBe(true);
    expect(statuses.at(-1)).toMatch(/^completed video_[0-9a-f]+$/);

    // The page got no key and sent none; the server added it on the way to the API.
    const html = await page.content();
    expect(html).not.toContain('sk-example-server-side-only');
    expect(sentFromPage.every((headers) => !('authorization' in headers))).toBe(true);
    const created = app.emulator.requests().filter((r) => r.method === 'POST' && r.path === '/v1/videos');
    expect(created).toHaveLength(1);
    // Nothing on the page failed: no 404 (the favicon is served), no console error, no request cancelled.
    expect(failed).toEqual([]);
    expect((await fetch(`${app.url}/favicon.ico`)).headers.get('content-type')).toBe('image/svg+xml');
    await page.close();
  });

  it('cancels a running job from the page (AbortSignal), leaving no video', async () => {
    // A job far longer than the test, so it is surely still running when Cancel is clicked.
    const slowApp = await startApp({ jobSeconds: 120 });
    const page = await browser.newPage();
    try {
      await page.goto(slowApp.url);
      await page.click('#go');
      await page.waitForFunction(() => /%$/.test(document.getElementById('status').textContent));
      await page.click('#cancel');
      await page.waitForFunction(() => document.getElementById('status').textContent === 'Cancelled.');
      expect(await page.textContent('#error')).toBe(''); // a cancel is not an error
      expect(await page.isHidden('#video')).toBe(true);
      const created = slowApp.emulator.videos();
      expect(created).toHaveLength(1);
      expect(created[0].status).not.toBe('completed');
    } finally {
      await page.close();
      await slowApp.close();
    }
  });

  it('refuses a blank prompt on the page, before any request', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(app.url);
      const before = app.emulator.requests().length;
      await page.fill('#prompt', '   \n\t ');
      await page.click('#go');
      await page.waitForFunction(() => document.getElementById('error').textContent !== '');
      expect(await page.textContent('#error')).toMatch(/prompt is empty/);
      expect(app.emulator.requests().length).toBe(before);
    } finally {
      await page.close();
    }
  });

  it('says which port is busy and how to choose another, without a stack trace', async () => {
    const blocker = createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address();
    try {
      const child = spawn(process.execPath, [fileURLToPath(new URL('../src/server.mjs', import.meta.url))], {
        env: { ...process.env, PORT: String(port), SORA_API_KEY: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(`Port ${port}`);
      expect(stderr).toContain(`PORT=${port + 1}`);
      expect(stderr).not.toMatch(/\n\s+at |EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });
});
