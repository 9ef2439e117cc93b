/**
 * Bounded memory over time: a job past its `expires_at` becomes `expired` and its media is dropped; at
 * most `maxJobs` jobs are kept (the oldest dropped, media included), and the stores that grow with
 * jobs (characters, idempotency keys, webhook records, cursors of removed jobs) keep as many.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CharacterStore } from './characters.js';
import { IdempotencyStore } from './idempotency.js';
import { type RunningEmulator, startEmulator } from './index.js';
import { JobStore } from './jobs.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';
import { call, createVideo, type ErrorEnvelope, waitForStatus } from './test-support/http.js';

interface Stats {
  jobs: number;
  cachedMediaBytes: number;
}

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const stats = async (url: string) => (await call<Stats>(url, '/_emulator/stats')).body;

async function download(url: string, id: string) {
  const response = await fetch(`${url}/v1/videos/${id}/content`, {
    headers: { authorization: 'Bearer sk-test' },
  });
  return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
}

describe('expiry', () => {
  it('turns a job past expires_at into expired, drops its media, and refuses its content', async () => {
    // The emulator's clock stands still until the test moves it: each state is seen whatever the load.
    let clock = Date.now();
    emulator = await startEmulator({ jobSeconds: 0.1, contentTtlSeconds: 1, now: () => clock });
    const video = await createVideo(emulator.url);
    clock += 100;
    const done = await waitForStatus(emulator.url, video.id, 'completed');
    expect(done.expires_at).toBe((done.completed_at ?? 0) + 1);
    expect((await download(emulator.url, video.id)).status).toBe(200);
    expect((await stats(emulator.url)).cachedMediaBytes).toBeGreaterThan(0);

    clock += 1000;
    const expired = await waitForStatus(emulator.url, video.id, 'expired', 5000);
    expect(clock / 1000).toBeGreaterThanOrEqual(expired.expires_at ?? Number.POSITIVE_INFINITY);
    expect(expired).toMatchObject({ progress: 100, completed_at: done.completed_at, error: null });
    expect((await stats(emulator.url)).cachedMediaBytes).toBe(0);
    const content = await call<ErrorEnvelope>(emulator.url, `/v1/videos/${video.id}/content`);
    expect(content.status).toBe(404);
    expect(content.body.error.code).toBe('video_expired');
    const listed = await call<{ data: { id: string; status: string }[] }>(emulator.url, '/v1/videos');
    expect(listed.body.data.find((v) => v.id === video.id)?.status).toBe('expired');
    const remix = await call<ErrorEnvelope>(emulator.url, `/v1/videos/${video.id}/remix`, {
      method: 'POST',
      json: { prompt: 'again' },
    });
    expect(remix.status).toBe(400);
    expect(remix.body.error.message).toContain('expired');
  });

  it('spells expired the same way with gateway status names', async () => {
    emulator = await startEmulator({
      jobSeconds: 0.05,
      contentTtlSeconds: 0,
      faults: { gatewayStatusNames: true },
    });
    const video = await createVideo(emulator.url);
    expect((await waitForStatus(emulator.url, video.id, 'expired')).status).toBe('expired');
  });
});

describe('maxJobs', () => {
  it('keeps the newest maxJobs jobs, dropping the oldest with its media; old cursors still page', async () => {
    emulator = await startEmulator({ jobSeconds: 0, maxJobs: 3 });
    const first = await createVideo(emulator.url, { prompt: 'first' });
    expect((await download(emulator.url, first.id)).status).toBe(200);
    expect((await stats(emulator.url)).cachedMediaBytes).toBeGreaterThan(0);
    const later = [];
    for (let i = 0; i < 4; i++) later.push(await createVideo(emulator.url, { prompt: `later ${i}` }));

    expect(await stats(emulator.url)).toMatchObject({ jobs: 3, cachedMediaBytes: 0 });
    expect((await call(emulator.url, `/v1/videos/${first.id}`)).status).toBe(404);
    expect((await call(emulator.url, `/v1/videos/${later[0]?.id}`)).status).toBe(404);
    const listed = await call<{ data: { id: string }[] }>(emulator.url, '/v1/videos?order=asc');
    expect(listed.body.data.map((v) => v.id)).toEqual(later.slice(1).map((v) => v.id));
    // A cursor at a dropped job still pages from where it was.
    const after = await call<{ data: { id: string }[] }>(
      emulator.url,
      `/v1/videos?order=asc&after=${later[0]?.id}`,
    );
    expect(after.body.data.map((v) => v.id)).toEqual(later.slice(1).map((v) => v.id));
    expect(emulator.videos()).toHaveLength(3);
  });
});

describe('the stores that grow with jobs are bounded too', () => {
  it('forgets the cursors of removed jobs past maxJobs of them', () => {
    const jobs = new JobStore({ jobMs: 0, contentTtlSeconds: 3600, maxJobs: 2 });
    const ids = Array.from(
      { length: 6 },
      (_, i) => jobs.create({ prompt: `p${i}`, model: 'sora-2', seconds: '4', size: '720x1280' }).id,
    );
    expect(jobs.size).toBe(2);
    // Removed: ids 0-3; cursors are kept for the last two removed only.
    expect(ids.map((id) => jobs.known(id))).toEqual([false, false, true, true, true, true]);
  });

  it('keeps at most maxJobs idempotency keys and characters, oldest dropped', () => {
    const keys = new IdempotencyStore(2);
    for (const key of ['a', 'b', 'c']) keys.remember(key, `fp-${key}`, `video_${key}`);
    expect(keys.replay('a', 'fp-a')).toBeUndefined();
    expect(keys.replay('c', 'fp-c')).toBe('video_c');
    const characters = new CharacterStore(2);
    const made = ['x', 'y', 'z'].map((name) => characters.create(name).id);
    expect(made.map((id) => characters.get(id) !== undefined)).toEqual([false, true, true]);
  });

  it('keeps the last requestLogLimit requests, oldest first', () => {
    const log = new RequestLog(3);
    const entry = (n: number) => ({ path: `/${n}` }) as RequestLogEntry;
    for (let n = 1; n <= 2; n++) log.add(entry(n));
    expect(log.list().map((e) => e.path)).toEqual(['/1', '/2']);
    for (let n = 3; n <= 7; n++) log.add(entry(n));
    expect(log.list().map((e) => e.path)).toEqual(['/5', '/6', '/7']);
    expect(log.size).toBe(3);
    log.clear();
    log.add(entry(8));
    expect(log.list().map((e) => e.path)).toEqual(['/8']);
    const off = new RequestLog(0);
    off.add(entry(9));
    expect(off.list()).toEqual([]);
  });
});
