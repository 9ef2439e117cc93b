// The example as users run it: `next build` (turbo's cached `build` task), `next start`, real Chromium. The
// emulator runs as a process of its own (the app reaches it through SORA_BASE_URL with a dummy key, the way
// it would reach the real API), so the test can read its request log and its webhook deliveries.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, ensureBuilt, freePort, startEmulatorProcess, startNext } from './processes.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const KEY = 'sk-dummy-Vq7Lr2Nc9Xw4-next-app';
const WEBHOOK_SECRET = `whsec_${Buffer.from('next-app test webhook secret, 32b').toString('base64')}`;
// Long enough to reload the page while the job runs, on a loaded machine.
const JOB_SECONDS = 8;
const SHOTS = join(appDir, 'test-results');

let emulator;
let app;
let browser;
let context;
let page;
/** Every request any page made, with all its headers. */
const sent = [];
/** Console errors and warnings, uncaught page errors, and failed answers that no probe asked for. */
const problems = [];
/** URLs the test itself fetched from the page, expecting refusals. */
const probes = new Set();

/** The emulator's request log (`GET /_emulator/requests`), optionally only since `since` (Unix ms). */
async function upstreamLog(since = 0) {
  const { data } = await (await fetch(`${emulator.url}/_emulator/requests`)).json();
  return data.filter((entry) => entry.at >= since);
}
const creates = (log) => log.filter((r) => r.method === 'POST' && r.path === '/v1/videos');

/** What the page's job panel has shown, in order: `status|progress|eta|id` (recorded from the first paint). */
function recordJobPanel() {
  window.__seen = [];
  const record = () => {
    const job = document.querySelector('.job');
    if (!job) return;
    const entry = [
      job.dataset.status,
      job.querySelector('progress')?.value,
      job.querySelector('.eta')?.textContent ?? '',
      job.querySelector('.job-id')?.textContent ?? '',
    ].join('|');
    if (window.__seen.at(-1) !== entry) window.__seen.push(entry);
  };
  new MutationObserver(record).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
  });
}
const seen = async () =>
  (await page.evaluate(() => window.__seen)).map((line) => {
    const [status, progress, eta, id] = line.split('|');
    return { status, progress: Number(progress), eta, id };
  });

/** Retries `read` until its value passes (vitest's `expect.poll`, with room for a loaded machine). */
const eventually = (read) => expect.poll(read, { timeout: 30_000, interval: 100 });

const waitForStatus = (status, timeout = 60_000) =>
  page.waitForFunction((s) => document.querySelector('.job')?.dataset.status === s, status, { timeout });

async function signInAs(user) {
  await page.getByRole('button', { name: user }).click();
  await page.waitForFunction(
    (u) => document.querySelector(`.switcher button[value="${u}"]`)?.getAttribute('aria-pressed') === 'true',
    user,
  );
  await page.getByRole('heading', { name: 'New video' }).waitFor();
}

/** A fetch from the page (same origin, the user's cookie), as the page's own code could make it. */
async function fromPage(path, method = 'GET') {
  probes.add(`${method} ${new URL(path, app.url).href}`);
  return page.evaluate(
    async ([p, m]) => {
      const response = await fetch(p, { method: m });
      return { status: response.status, body: await response.text() };
    },
    [path, method],
  );
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  const [, port] = await Promise.all([ensureBuilt(), freePort()]);
  emulator = await startEmulatorProcess([
    '--job-seconds',
    String(JOB_SECONDS),
    '--api-key',
    KEY,
    '--webhook-url',
    `http://127.0.0.1:${port}/api/sora/webhooks`,
    '--webhook-secret',
    WEBHOOK_SECRET,
  ]);
  [app, browser] = await Promise.all([
    startNext(port, {
      SORA_API_KEY: KEY,
      SORA_BASE_URL: emulator.url,
      SORA_WEBHOOK_SECRET: WEBHOOK_SECRET,
    }),
    chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
  ]);
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.addInitScript(recordJobPanel);
  context.on('request', async (request) => {
    sent.push({ url: request.url(), headers: await request.allHeaders() });
  });
  context.on('response', (response) => {
    const key = `${response.request().method()} ${response.url()}`;
    if (response.status() >= 400 && !probes.has(key)) problems.push(`${response.status()} ${key}`);
  });
  context.on('console', (message) => {
    if (!['error', 'warning'].includes(message.type())) return;
    const url = message.location()?.url;
    // A probe's refusal is logged by Chromium as a failed resource load: expected.
    if ([...probes].some((probe) => probe.endsWith(` ${url}`))) return;
    problems.push(`console ${message.type()}: ${message.text()}`);
  });
  context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
  page = await context.newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await emulator?.stop();
});

describe('the Next.js example app', () => {
  let firstId;

  it('creates a video: the progress bar moves with an ETA, the job completes and the video plays', async () => {
    await page.goto(app.url);
    await page.getByText('Choose a demo user to start.').waitFor();
    await signInAs('alice');
    await page.getByText('No videos yet.').waitFor();

    const before = Date.now();
    await page.getByLabel('Size', { exact: true }).selectOption('1280x720');
    await page.getByLabel('Seconds', { exact: true }).selectOption('4');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.waitForFunction(() => Number(document.querySelector('.job progress')?.value) > 0, null, {
      timeout: 60_000,
    });
    await page.screenshot({ path: join(SHOTS, '1-alice-progress.png'), fullPage: true });
    await waitForStatus('completed');

    const panel = await seen();
    firstId = panel.at(-1).id;
    expect(firstId).toMatch(/^video_[0-9a-f]+$/);
    const moving = [...new Set(panel.filter((e) => e.status === 'in_progress').map((e) => e.progress))];
    expect(moving.filter((p) => p > 0 && p < 100).length).toBeGreaterThanOrEqual(2);
    expect(moving).toEqual([...moving].sort((a, b) => a - b)); // it only moves forward
    expect(panel.some((e) => /^about \d+ s left$/.test(e.eta))).toBe(true);
    expect(panel.at(-1)).toMatchObject({ status: 'completed', progress: 100, eta: '' });

    // The player: the handler's content URL, the thumbnail as its poster; it plays.
    const video = page.getByLabel('Generated video');
    await eventually(() => video.getAttribute('src')).toBe(`/api/sora/v1/videos/${firstId}/content`);
    await eventually(() => video.getAttribute('poster')).toBe(
      `/api/sora/v1/videos/${firstId}/content?variant=thumbnail`,
    );
    const poster = await page.evaluate(
      async (src) => {
        const response = await fetch(src);
        return { status: response.status, type: response.headers.get('content-type') };
      },
      await video.getAttribute('poster'),
    );
    expect(poster).toEqual({ status: 200, type: 'image/webp' });
    await video.evaluate((v) => {
      v.muted = true;
      return v.play();
    });
    await page.waitForFunction(() => document.querySelector('video').currentTime > 0.5, null, {
      timeout: 30_000,
    });
    expect(await video.evaluate((v) => [v.videoWidth, v.videoHeight, Math.round(v.duration)])).toEqual([
      1280, 720, 4,
    ]);

    // "My videos" lists it, with its thumbnail.
    const card = page.locator(`.card[data-video-id="${firstId}"]`);
    await eventually(() => card.locator('.card-status').textContent()).toBe('completed');
    await eventually(() => card.locator('img.thumb').getAttribute('src')).toBe(
      `/api/sora/v1/videos/${firstId}/content?variant=thumbnail`,
    );
    await page.screenshot({ path: join(SHOTS, '2-alice-playing.png'), fullPage: true });
    expect(creates(await upstreamLog(before))).toHaveLength(1);
  });

  it('a reload in the middle of a job resumes following it, with no second job', async () => {
    const before = Date.now();
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.waitForFunction(
      (previous) => {
        const job = document.querySelector('.job');
        return (
          job?.dataset.status === 'in_progress' &&
          job.querySelector('.job-id')?.textContent !== previous &&
          Number(job.querySelector('progress')?.value) > 0
        );
      },
      firstId,
      { timeout: 60_000 },
    );
    const id = await page.locator('.job-id').textContent();
    // Mid-job, as the API sees it right before the reload.
    const state = await (
      await fetch(`${emulator.url}/v1/videos/${id}`, { headers: { authorization: `Bearer ${KEY}` } })
    ).json();
    expect(state.status).toBe('in_progress');

    const reloadedAt = Date.now();
    await page.reload();
    await waitForStatus('completed');
    const panel = await seen(); // since the reload
    expect(panel.every((e) => e.id === '' || e.id === id)).toBe(true);
    expect(panel.at(-1)).toMatchObject({ status: 'completed', id });
    await eventually(() => page.getByLabel('Generated video').getAttribute('src')).toBe(
      `/api/sora/v1/videos/${id}/content`,
    );

    const log = await upstreamLog(before);
    expect(creates(log)).toHaveLength(1);
    // After the reload the page asked about the same job again (it did not just show a cached end).
    expect(log.some((r) => r.method === 'GET' && r.path === `/v1/videos/${id}` && r.at >= reloadedAt)).toBe(
      true,
    );
  });

  it('a double click (and two submits in one task) start exactly one job each; Cancel deletes it', async () => {
    for (const start of [
      () => page.getByRole('button', { name: 'Generate' }).dblclick(),
      // Both submit events run before React re-renders: only the hook's in-flight guard stops the second.
      () =>
        page.evaluate(() => {
          const form = document.querySelector('form.create');
          form.requestSubmit();
          form.requestSubmit();
        }),
    ]) {
      const before = Date.now();
      await start();
      await page.waitForFunction(() =>
        ['queued', 'in_progress'].includes(document.querySelector('.job')?.dataset.status),
      );
      const id = await page.locator('.job-id').textContent();
      await page.waitForTimeout(1000); // a second create would have been sent by now
      expect(creates(await upstreamLog(before))).toHaveLength(1);

      await page.getByRole('button', { name: 'Cancel' }).click();
      await eventually(() => page.locator(`.card[data-video-id="${id}"]`).count()).toBe(0);
      const log = await upstreamLog(before);
      expect(log.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/v1/videos/${id}`]);
      await eventually(() => page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true);
    }
  });

  it("the second user sees nothing of the first's, and cannot reach it", async () => {
    const alice = await page.locator('.card').evaluateAll((cards) => cards.map((c) => c.dataset.videoId));
    expect(alice).toContain(firstId);

    await signInAs('bob');
    await page.getByText('No videos yet.').waitFor();
    await eventually(() => page.locator('.card').count()).toBe(0);
    await eventually(() => page.locator('.job').count()).toBe(0);
    await eventually(() => page.getByLabel('Generated video').count()).toBe(0);
    expect(await page.content()).not.toContain(firstId);
    await page.screenshot({ path: join(SHOTS, '3-bob-empty.png'), fullPage: true });

    // Alice's id from Bob's page: 404, exactly as for an id that does not exist.
    const missing = await fromPage('/api/sora/v1/videos/video_0000000000000000');
    for (const path of [`/v1/videos/${firstId}`, `/v1/videos/${firstId}/content`]) {
      const answer = await fromPage(`/api/sora${path}`);
      expect(answer.status).toBe(404);
      expect(answer.body.replaceAll(firstId, 'ID')).toBe(
        missing.body.replaceAll('video_0000000000000000', 'ID'),
      );
    }
    expect((await fromPage(`/api/sora/v1/videos/${firstId}`, 'DELETE')).status).toBe(404);
    const list = JSON.parse((await fromPage('/api/sora/v1/videos')).body);
    expect(list.data).toEqual([]);

    // Alice's videos are all still hers.
    await signInAs('alice');
    await page.locator(`.card[data-video-id="${firstId}"]`).waitFor();
  });

  it('delete removes a video from "My videos" and from the API', async () => {
    const before = Date.now();
    const cards = () => page.locator('.card').evaluateAll((all) => all.map((c) => c.dataset.videoId));
    const [newest, ...older] = await cards();
    expect(older).toContain(firstId);
    await page
      .getByRole('button', { name: /^Delete / })
      .first()
      .click();
    await eventually(cards).toEqual(older);
    const deletes = async () => (await upstreamLog(before)).filter((r) => r.method === 'DELETE');
    await eventually(async () => (await deletes()).length).toBe(1);
    expect(await deletes()).toMatchObject([{ path: `/v1/videos/${newest}`, status: 200 }]);
    // The list fetched again after the delete agrees.
    await eventually(() => page.locator('section[aria-busy="false"]').count()).toBe(1);
    expect(await cards()).toEqual(older);
  });

  it('webhooks reach the app and are verified', async () => {
    // Each completed job was announced to the app, which verified it and answered 204.
    const { data: deliveries } = await (await fetch(`${emulator.url}/_emulator/webhooks`)).json();
    const completed = deliveries.filter((d) => d.type === 'video.completed');
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(completed.filter((d) => d.state !== 'delivered' || d.lastStatus !== 204)).toEqual([]);
    // A forged delivery is refused.
    const forged = await fetch(`${app.url}/api/sora/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'evt_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
      },
      body: JSON.stringify({
        id: 'evt_forged',
        object: 'event',
        type: 'video.completed',
        data: { id: firstId },
      }),
    });
    expect(forged.status).toBe(400);
  });

  it('no request from the page carried a key, and nothing failed or warned (no hydration warning)', async () => {
    expect(sent.length).toBeGreaterThan(20);
    expect(sent.filter((r) => 'authorization' in r.headers)).toEqual([]);
    expect(sent.filter((r) => !r.url.startsWith(app.url))).toEqual([]);
    expect(await page.content()).not.toContain(KEY);
    expect(problems).toEqual([]);
    expect(`${app.output.stdout}${app.output.stderr}`).not.toContain(KEY);
  });
});
