/**
 * The emulator's download links in a real browser: Chromium (driven by playwright-core) plays the MP4
 * of a job straight from a `url`-mode link, fetching it with the range requests media elements make.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoContentLink } from './generated/openapi.js';
import { type RunningEmulator, startEmulator } from './index.js';
import { call, createVideo, waitForStatus } from './test-support/http.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium && !process.env.CI)('in Chromium', { timeout: 60_000 }, () => {
  let emulator: RunningEmulator;
  let browser: Browser;
  beforeAll(async () => {
    emulator = await startEmulator({ jobSeconds: 0.2, contentMode: 'url' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--autoplay-policy=no-user-gesture-required'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });

  it('plays a job’s video from its signed link, with its size and duration', async () => {
    const video = await createVideo(emulator.url, {
      prompt: 'a calico cat at a piano',
      size: '720x1280',
      seconds: '8',
    });
    await waitForStatus(emulator.url, video.id, 'completed');
    const link = (await call<VideoContentLink>(emulator.url, `/v1/videos/${video.id}/content`)).body;
    const thumbnail = (
      await call<VideoContentLink>(emulator.url, `/v1/videos/${video.id}/content?variant=thumbnail`)
    ).body;
    emulator.clearRequests();

    const page = await browser.newPage();
    await page.setContent(
      `<video id="v" src="${link.url}" muted playsinline preload="auto"></video><img id="t" src="${thumbnail.url}">`,
    );
    const played = await page.evaluate(async () => {
      const element = document.getElementById('v') as HTMLVideoElement;
      if (element.readyState < 1)
        await new Promise((resolve) => element.addEventListener('loadedmetadata', resolve));
      await element.play();
      await new Promise((resolve) => setTimeout(resolve, 600));
      const image = document.getElementById('t') as HTMLImageElement;
      if (!image.complete) await new Promise((resolve) => image.addEventListener('load', resolve));
      return {
        width: element.videoWidth,
        height: element.videoHeight,
        duration: element.duration,
        currentTime: element.currentTime,
        error: element.error?.message ?? null,
        thumbnail: [image.naturalWidth, image.naturalHeight],
      };
    });
    expect(played).toMatchObject({ width: 720, height: 1280, error: null, thumbnail: [720, 1280] });
    expect(played.duration).toBeCloseTo(8, 1);
    expect(played.currentTime).toBeGreaterThan(0.2);
    // The browser fetched the file from the download origin, without a key, using byte ranges.
    const downloads = emulator.requests().filter((r) => r.origin === 'files');
    expect(downloads.length).toBeGreaterThanOrEqual(2);
    expect(downloads.every((r) => r.status === 200 || r.status === 206)).toBe(true);
    expect(downloads.some((r) => r.status === 206)).toBe(true);
    await page.close();
  });
});
