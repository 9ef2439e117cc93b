// Plays the generated media in a real browser (the system Chromium, driven by playwright-core): the MP4
// must load with the right size and duration and actually play, the WebP and JPEG must load. A screenshot
// of the page is left at /tmp/media-check.png for humans to look at.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_TYPES, renderSpritesheet, renderThumbnail, renderVideo, spritesheetGrid } from './index.js';
import { layoutScene } from './scene.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/media-check.png';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) console.warn(`chromium.test.ts: ${CHROMIUM} not found, skipping`);

const WIDTH = 1280;
const HEIGHT = 720;
const SECONDS = 4;
const LABEL =
  'video_68d2f1a7c5e08190b1f8a3b0c7e6d5f4\nA calico cat playing a grand piano on a dimly lit stage';

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>media check</title></head>
<body style="margin:0;padding:8px;background:#222;color:#ccc;font:14px sans-serif;display:grid;grid-template-columns:600px 600px;gap:8px">
<div>video.mp4 (first frame)<br><video id="video" src="/video.mp4" muted playsinline preload="auto" style="width:600px"></video></div>
<div>thumbnail.webp<br><img id="thumb" src="/thumbnail.webp" style="width:600px"></div>
<div style="grid-column:span 2">spritesheet.jpg<br><img id="sprite" src="/spritesheet.jpg"></div>
</body></html>`;

/** Serves fixed bodies, with single byte ranges as media elements like to ask for them. */
function serve(files: Record<string, { type: string; body: Uint8Array }>): Promise<Server> {
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const { body, type } = file;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : body.length - Number(range[2]);
      const end = range[1] && range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      if (start >= body.length || start > end) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-type': type,
        'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${body.length}`,
        'accept-ranges': 'bytes',
      });
      res.end(body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'accept-ranges': 'bytes' });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!haveChromium && !process.env.CI)('in Chromium', { timeout: 60_000 }, () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    server = await serve({
      '/': { type: 'text/html; charset=utf-8', body: new TextEncoder().encode(PAGE) },
      '/video.mp4': {
        type: MEDIA_TYPES.video,
        body: renderVideo({ width: WIDTH, height: HEIGHT, seconds: SECONDS, label: LABEL }),
      },
      '/thumbnail.webp': {
        type: MEDIA_TYPES.thumbnail,
        body: renderThumbnail({ width: WIDTH, height: HEIGHT, label: LABEL, seconds: SECONDS }),
      },
      '/spritesheet.jpg': {
        type: MEDIA_TYPES.spritesheet,
        body: renderSpritesheet({ width: WIDTH, height: HEIGHT, seconds: SECONDS, label: LABEL }),
      },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
      timeout: 30_000,
    });
    page = await browser.newPage({ viewport: { width: 1232, height: 640 } });
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`, { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('loads the WebP thumbnail and the JPEG spritesheet', async () => {
    const grid = spritesheetGrid(WIDTH, HEIGHT, SECONDS);
    await page.waitForFunction(
      () => ['thumb', 'sprite'].every((id) => (document.getElementById(id) as HTMLImageElement).complete),
      undefined,
      { timeout: 10_000 },
    );
    const sizes = await page.evaluate(() =>
      ['thumb', 'sprite'].map((id) => {
        const img = document.getElementById(id) as HTMLImageElement;
        return [img.naturalWidth, img.naturalHeight];
      }),
    );
    expect(sizes).toEqual([
      [WIDTH, HEIGHT],
      [grid.width, grid.height],
    ]);
  });

  it('plays the H.264 MP4', async (ctx) => {
    const support = await page.evaluate(() =>
      document.createElement('video').canPlayType('video/mp4; codecs="avc1.42E01F"'),
    );
    if (support === '') {
      ctx.skip(`${CHROMIUM} cannot play H.264 (canPlayType('video/mp4; codecs="avc1.42E01F"') is empty)`);
    }

    // Metadata: size and duration from the MP4 / SPS.
    const meta = await page.evaluate(async () => {
      const video = document.getElementById('video') as HTMLVideoElement;
      if (video.readyState < 2) {
        await new Promise((resolve, reject) => {
          video.addEventListener('loadeddata', resolve, { once: true });
          video.addEventListener('error', () => reject(new Error(`media error ${video.error?.code}`)), {
            once: true,
          });
        });
      }
      return { width: video.videoWidth, height: video.videoHeight, duration: video.duration };
    });
    expect(meta.width).toBe(WIDTH);
    expect(meta.height).toBe(HEIGHT);
    expect(Math.abs(meta.duration - SECONDS)).toBeLessThan(0.1);

    // The decoded first frame has the scene's colours (drawn to a canvas and read back).
    const corner = await page.evaluate(() => {
      const video = document.getElementById('video') as HTMLVideoElement;
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx2d = canvas.getContext('2d');
      if (!ctx2d) throw new Error('no 2d context');
      ctx2d.drawImage(video, 0, 0);
      return [...ctx2d.getImageData(4, 4, 1, 1).data];
    });
    const bg = layoutScene(WIDTH, HEIGHT, LABEL, SECONDS).background;
    const expected = [bg >>> 16, (bg >> 8) & 255, bg & 255];
    corner.slice(0, 3).forEach((v, i) => {
      expect(Math.abs(v - (expected[i] as number))).toBeLessThanOrEqual(6);
    });

    // Playback: currentTime must move forward.
    const played = await page.evaluate(async () => {
      const video = document.getElementById('video') as HTMLVideoElement;
      await video.play();
      const start = performance.now();
      while (video.currentTime < 0.5 && performance.now() - start < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      video.pause();
      return { currentTime: video.currentTime, error: video.error?.code ?? null };
    });
    expect(played.error).toBeNull();
    expect(played.currentTime).toBeGreaterThanOrEqual(0.5);
  });

  it(`leaves a screenshot of the first frame and the images at ${SCREENSHOT}`, async () => {
    // Back to the first frame (when the video can be decoded at all).
    await page.evaluate(async () => {
      const video = document.getElementById('video') as HTMLVideoElement;
      if (video.readyState < 2) return;
      const seeked = new Promise((resolve) => video.addEventListener('seeked', resolve, { once: true }));
      video.currentTime = 0;
      await seeked;
    });
    const png = await page.screenshot({ path: SCREENSHOT, timeout: 10_000 });
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
