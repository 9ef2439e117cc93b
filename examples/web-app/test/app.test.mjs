// The example runs for real: its server with the embedded emulator, its page in Chromium. The browser
// generates a video through core and plays it; the key never reaches the browser.
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
    page.on('request', (request) => sentFromPage.push(request.headers()));
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
      await page.waitForFunction(() => document.getElementById('status').textContent === 'Stopped.');
      expect(await page.textContent('#error')).toMatch(/abort/i);
      expect(await page.isHidden('#video')).toBe(true);
      const created = slowApp.emulator.videos();
      expect(created).toHaveLength(1);
      expect(created[0].status).not.toBe('completed');
    } finally {
      await page.close();
      await slowApp.close();
    }
  });
});
