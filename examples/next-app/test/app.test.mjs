// The example as users run it: `next build` (turbo's cached `build` task) then `next start`, and `next dev`,
// in real Chromium. The emulator runs as a process of its own; the app reaches it through SORA_BASE_URL with
// a dummy key, the way it reaches the real API, so the test can read its request log and webhook deliveries.
// Without SORA_API_KEY the app starts its own emulator: the last part checks that mode over HTTP.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, launchChromium, statusRequests, watchedPage } from './browser.mjs';
import { appDir, ensureBuilt, freePort, startEmulatorProcess, startNext } from './processes.mjs';

const KEY = 'sk-dummy-Vq7Lr2Nc9Xw4-next-app';
const WEBHOOK_SECRET = `whsec_${Buffer.from('next-app test webhook secret, 32b').toString('base64')}`;
// Long enough to reload the page while a job runs, on a loaded machine.
const JOB_SECONDS = 6;
const SHOTS = join(appDir, 'test-results');

let emulator;
let app;
let dev;
let devWarm;
let offline;
let browser;
/** How `next start` was started, to start it again on the same port and database. */
let appPort;
let appEnv;
let dataDirs;

/** The emulator's request log (`GET /_emulator/requests`) since `since` (Unix ms). */
async function upstreamLog(since) {
  const { data } = await (await fetch(`${emulator.url}/_emulator/requests`)).json();
  return data.filter((entry) => entry.at >= since);
}
const creates = (log) => log.filter((r) => r.method === 'POST' && r.path === '/v1/videos');

/** The shortest time between two consecutive requests, in ms (Infinity for fewer than two). */
const shortestGap = (requests) =>
  Math.min(...requests.slice(1).map((r, i) => r.at - requests[i].at), Number.POSITIVE_INFINITY);

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  const [, port, devPort, offlinePort] = await Promise.all([
    ensureBuilt(),
    freePort(),
    freePort(),
    freePort(),
  ]);
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
  const env = { SORA_API_KEY: KEY, SORA_BASE_URL: emulator.url, SORA_WEBHOOK_SECRET: WEBHOOK_SECRET };
  // Each server its own PGlite folder (one process per folder), thrown away after.
  dataDirs = await Promise.all([1, 2, 3].map(() => mkdtemp(join(tmpdir(), 'next-app-data-'))));
  appPort = port;
  appEnv = { ...env, SORA_DATA_DIR: dataDirs[0] };
  [app, dev, offline, browser] = await Promise.all([
    startNext(port, appEnv),
    startNext(devPort, { ...env, SORA_DATA_DIR: dataDirs[1] }, 'dev'),
    // No SORA_API_KEY: its own emulator.
    startNext(offlinePort, { SORA_EMULATOR_JOB_SECONDS: '1', SORA_DATA_DIR: dataDirs[2] }),
    launchChromium(),
  ]);
  // `next dev` compiles on first request: let it compile the page and the API route while the first tests run.
  const alice = { headers: { cookie: 'sora-demo-user=alice' } };
  devWarm = Promise.all([fetch(`${dev.url}/`, alice), fetch(`${dev.url}/api/sora/v1/videos`, alice)]);
  // The first API request opens the app's database: PGlite makes a new one (its initdb) on a fresh data
  // folder, seconds on a quiet machine, over 30 s on a loaded one. Once, like a first `pnpm example:next`.
  const ready = await fetch(`${app.url}/api/sora/v1/videos`, alice);
  expect(ready.status).toBe(200);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([app?.stop(), dev?.stop(), offline?.stop()]);
  await emulator?.stop();
  await Promise.all((dataDirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('next start (the production build)', () => {
  let w;
  let firstId;
  beforeAll(async () => {
    w = await watchedPage(browser, app.url);
  });

  it('creates a video: the progress bar moves with an ETA, the job completes and the video plays', async () => {
    const { page } = w;
    await page.goto(app.url);
    await page.getByText('Choose a demo user to start.').waitFor();
    await w.signInAs('alice');
    await page.getByText('No videos yet.').waitFor();

    const before = Date.now();
    await page.getByLabel('Size', { exact: true }).selectOption('1280x720');
    await page.getByLabel('Seconds', { exact: true }).selectOption('4');
    await page.getByRole('button', { name: 'Generate' }).click();
    await w.waitForProgress(undefined);
    await page.screenshot({ path: join(SHOTS, '1-alice-progress.png'), fullPage: true });
    await w.waitForStatus('completed');

    const panel = await w.seen();
    firstId = panel.at(-1).id;
    expect(firstId).toMatch(/^video_[0-9a-f]+$/);
    const moving = [...new Set(panel.filter((e) => e.status === 'in_progress').map((e) => e.progress))];
    expect(moving.filter((p) => p > 0 && p < 100).length).toBeGreaterThanOrEqual(2);
    expect(moving).toEqual([...moving].sort((a, b) => a - b)); // it only moves forward
    expect(panel.some((e) => /^about \d+ s left$/.test(e.eta))).toBe(true);
    expect(panel.at(-1)).toMatchObject({ status: 'completed', progress: 100, eta: '' });
    // One poller for the job, although the panel and the job's card in "My videos" both watch it.
    expect(shortestGap(statusRequests(w.sent, firstId))).toBeGreaterThanOrEqual(100);

    // The player: the handler's content URL, the thumbnail as its poster; it plays.
    const video = page.getByLabel('Generated video');
    expect(await video.getAttribute('src')).toBe(`/api/sora/v1/videos/${firstId}/content`);
    expect(await video.getAttribute('poster')).toBe(
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
    expect(await card.locator('img.thumb').getAttribute('src')).toBe(
      `/api/sora/v1/videos/${firstId}/content?variant=thumbnail`,
    );
    await page.screenshot({ path: join(SHOTS, '2-alice-playing.png'), fullPage: true });
    expect(creates(await upstreamLog(before))).toHaveLength(1);
  });

  it('a reload in the middle of a job resumes following it, with no second job', async () => {
    const { page } = w;
    const before = Date.now();
    await page.getByRole('button', { name: 'Generate' }).click();
    await w.waitForProgress(firstId);
    const id = await page.locator('.job-id').textContent();
    // Mid-job, as the API sees it right before the reload.
    const state = await (
      await fetch(`${emulator.url}/v1/videos/${id}`, { headers: { authorization: `Bearer ${KEY}` } })
    ).json();
    expect(state.status).toBe('in_progress');

    const reloadedAt = Date.now();
    await page.reload();
    await w.waitForStatus('completed');
    const panel = await w.seen(); // since the reload
    expect(panel.every((e) => e.id === '' || e.id === id)).toBe(true);
    expect(panel.at(-1)).toMatchObject({ status: 'completed', id });
    await eventually(() => page.getByLabel('Generated video').getAttribute('src')).toBe(
      `/api/sora/v1/videos/${id}/content`,
    );

    const log = await upstreamLog(before);
    expect(creates(log)).toHaveLength(1);
    // The reloaded page asked about the same job again (it did not just show a remembered end).
    expect(statusRequests(w.sent, id).some((r) => r.at >= reloadedAt)).toBe(true);
  });

  it('a double click, and two submits in one task, start exactly one job each; Cancel deletes it', async () => {
    const { page } = w;
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
      await eventually(w.cards).not.toContain(id);
      await eventually(async () =>
        (await upstreamLog(before)).filter((r) => r.method === 'DELETE'),
      ).toMatchObject([{ path: `/v1/videos/${id}`, status: 200 }]);
      await eventually(() => page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true);
    }
  });

  it('sends a first frame as a multipart upload, and shows the API refusing one of the wrong size', async () => {
    const { page } = w;
    // The first video's thumbnail is a 1280x720 WebP: a valid first frame for a 1280x720 job.
    const thumbnail = await fetch(`${app.url}/api/sora/v1/videos/${firstId}/content?variant=thumbnail`, {
      headers: { cookie: 'sora-demo-user=alice' },
    });
    const image = {
      name: 'first-frame.webp',
      mimeType: 'image/webp',
      buffer: Buffer.from(await thumbnail.arrayBuffer()),
    };

    await page.getByLabel('Size', { exact: true }).selectOption('720x1280');
    await page.getByLabel('First frame (optional)').setInputFiles(image);
    const before = Date.now();
    w.expectFailure('POST', '/api/sora/v1/videos');
    await page.getByRole('button', { name: 'Generate' }).click();
    // At the field, in plain words: what size the image must be, and what it is.
    await eventually(() => page.locator('#input_reference-error').textContent()).toBe(
      "The first frame must be exactly the video's size, 720x1280; this image is 1280x720.",
    );
    expect(await page.getByLabel('First frame (optional)').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(SHOTS, '4-alice-refused-first-frame.png'), fullPage: true });
    const refused = creates(await upstreamLog(before));
    expect(refused.map((r) => r.status)).toEqual([400]);

    await page.getByLabel('Size', { exact: true }).selectOption('1280x720');
    await page.getByRole('button', { name: 'Generate' }).click();
    await w.waitForStatus('in_progress');
    expect(creates(await upstreamLog(before)).map((r) => r.status)).toEqual([400, 200]);
    const uploads = w.sent.filter((r) => r.method === 'POST' && r.url.endsWith('/api/sora/v1/videos'));
    expect(uploads.at(-1).headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    await page.getByLabel('First frame (optional)').setInputFiles([]);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true);
  });

  it("the second user sees nothing of the first's, and cannot reach it", async () => {
    const { page } = w;
    expect(await w.cards()).toContain(firstId);

    await w.signInAs('bob');
    await page.getByText('No videos yet.').waitFor();
    expect(await w.cards()).toEqual([]);
    expect(await page.locator('.job').count()).toBe(0);
    expect(await page.getByLabel('Generated video').count()).toBe(0);
    expect(await page.content()).not.toContain(firstId);
    await page.screenshot({ path: join(SHOTS, '3-bob-empty.png'), fullPage: true });

    // Alice's id from Bob's page: 404, word for word the answer for an id that does not exist.
    const missing = await w.probe('/api/sora/v1/videos/video_0000000000000000');
    for (const path of [`/v1/videos/${firstId}`, `/v1/videos/${firstId}/content`]) {
      const answer = await w.probe(`/api/sora${path}`);
      expect(answer.status).toBe(404);
      expect(answer.body.replaceAll(firstId, 'ID')).toBe(
        missing.body.replaceAll('video_0000000000000000', 'ID'),
      );
    }
    expect((await w.probe(`/api/sora/v1/videos/${firstId}`, 'DELETE')).status).toBe(404);
    expect(JSON.parse((await w.probe('/api/sora/v1/videos')).body).data).toEqual([]);

    // Alice's videos are all still hers.
    await w.signInAs('alice');
    await page.locator(`.card[data-video-id="${firstId}"]`).waitFor();
  });

  it("a restart of the server keeps every user's videos, listed and playable", async () => {
    const { page } = w;
    const cards = await w.cards();
    expect(cards).toContain(firstId);
    // Off the app while it is down, so the page's pollers do not count connection errors as failures.
    await page.goto('about:blank');
    await app.stop();
    app = await startNext(appPort, appEnv);
    await page.goto(app.url);
    await page.locator(`.card[data-video-id="${firstId}"]`).waitFor();
    await eventually(w.cards).toEqual(cards);
    // Still alice's: her video plays from the restarted server; bob's list is still empty.
    const played = await page.evaluate(async (src) => {
      const video = document.createElement('video');
      video.muted = true;
      video.src = src;
      document.body.append(video);
      await video.play();
      await new Promise((resolve) => {
        const check = () => (video.currentTime > 0.5 ? resolve() : requestAnimationFrame(check));
        check();
      });
      const size = [video.videoWidth, video.videoHeight];
      video.remove();
      return size;
    }, `/api/sora/v1/videos/${firstId}/content`);
    expect(played).toEqual([1280, 720]);
    const bobs = await fetch(`${app.url}/api/sora/v1/videos`, { headers: { cookie: 'sora-demo-user=bob' } });
    expect((await bobs.json()).data).toEqual([]);
  });

  it('Delete removes a video from "My videos" and from the API', async () => {
    const { page } = w;
    const before = Date.now();
    const [newest, ...older] = await w.cards();
    expect(older).toContain(firstId);
    await page
      .getByRole('button', { name: /^Delete / })
      .first()
      .click();
    await eventually(w.cards).toEqual(older);
    await eventually(async () =>
      (await upstreamLog(before)).filter((r) => r.method === 'DELETE'),
    ).toMatchObject([{ path: `/v1/videos/${newest}`, status: 200 }]);
    // The list fetched again after the delete agrees.
    await eventually(() => page.locator('section[aria-busy="false"]').count()).toBe(1);
    expect(await w.cards()).toEqual(older);
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
    expect(w.sent.length).toBeGreaterThan(20);
    expect(w.sent.filter((r) => 'authorization' in r.headers)).toEqual([]);
    expect(w.sent.filter((r) => !r.url.startsWith(app.url))).toEqual([]);
    expect(await w.page.content()).not.toContain(KEY);
    expect(w.problems).toEqual([]);
    expect(`${app.output.stdout}${app.output.stderr}`).not.toContain(KEY);
  });
});

describe('next dev, where StrictMode runs every effect twice', () => {
  it('a double click makes one job with one poller; a reload resumes it; no hydration warning', async () => {
    await devWarm;
    const w = await watchedPage(browser, dev.url);
    const { page } = w;
    await page.goto(dev.url);
    await w.signInAs('alice');
    const before = Date.now();
    await page.getByRole('button', { name: 'Generate' }).dblclick();
    await w.waitForProgress(undefined);
    const id = await page.locator('.job-id').textContent();

    const reloadedAt = Date.now();
    await page.reload();
    await w.waitForStatus('completed');
    expect((await w.seen()).at(-1)).toMatchObject({ status: 'completed', id });
    expect(creates(await upstreamLog(before))).toHaveLength(1);
    // StrictMode mounted every watcher twice: still one poller per page (never two requests at once).
    const polls = statusRequests(w.sent, id);
    expect(shortestGap(polls.filter((r) => r.at < reloadedAt))).toBeGreaterThanOrEqual(100);
    expect(shortestGap(polls.filter((r) => r.at >= reloadedAt))).toBeGreaterThanOrEqual(100);

    expect(w.sent.filter((r) => 'authorization' in r.headers)).toEqual([]);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });
});

describe('without SORA_API_KEY: the embedded emulator', () => {
  /** A request as a signed-in page of the app sends it (its cookie, its origin). */
  const as = (user, path, init = {}) =>
    fetch(`${offline.url}${path}`, {
      ...init,
      headers: { cookie: `sora-demo-user=${user}`, origin: offline.url, ...init.headers },
    });
  const create = (user) =>
    as(user, '/api/sora/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a lighthouse at dawn', seconds: '4' }),
    });

  it('starts it once, and a job made through the app completes and streams', async () => {
    expect((await fetch(`${offline.url}/api/sora/v1/videos`)).status).toBe(401);
    const created = await create('alice');
    expect(created.status).toBe(200);
    const { id } = await created.json();
    await eventually(async () => (await (await as('alice', `/api/sora/v1/videos/${id}`)).json()).status).toBe(
      'completed',
    );
    const content = await as('alice', `/api/sora/v1/videos/${id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('video/mp4');
    expect((await content.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    const output = `${offline.output.stdout}${offline.output.stderr}`;
    expect(output.match(/jobs run on the embedded emulator at http:\/\/127\.0\.0\.1:\d+/g)).toHaveLength(1);
    expect(output).not.toMatch(/sk-embedded-/);
  });

  it("frees a user's in-flight slots from the emulator's webhooks, with no one polling", async () => {
    // The policy allows 2 jobs in flight. Nobody asks about these two: only webhooks can say they ended.
    expect((await create('bob')).status).toBe(200);
    expect((await create('bob')).status).toBe(200);
    const third = await create('bob');
    expect(third.status).toBe(403);
    expect((await third.json()).error.code).toBe('too_many_jobs_in_flight');
    await eventually(async () => (await create('bob')).status, 30_000).toBe(200);
  });
});
