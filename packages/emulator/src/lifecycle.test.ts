/**
 * Job lifecycle, moderation, deletion, remix, idempotency, auth and list cursors, through raw HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Video, VideoList } from './generated/openapi.js';
import { type RunningEmulator, startEmulator } from './index.js';
import { call, createVideo, type ErrorEnvelope, TEST_KEY, waitForStatus } from './test-support/http.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ jobSeconds: 0.4 });
});
afterAll(() => emulator.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('lifecycle', () => {
  it('goes queued → in_progress with rising progress → completed, with poll hints while it runs', async () => {
    // Its own, longer job: the phases must outlast a poll's round trip even on a loaded CI machine.
    const slow = await startEmulator({ jobSeconds: 1.5, pollAfterMs: 40 });
    try {
      const created = await call<Video>(slow.url, '/v1/videos', {
        method: 'POST',
        json: { prompt: 'a tiger' },
      });
      expect(created.body).toMatchObject({
        status: 'queued',
        progress: 0,
        completed_at: null,
        expires_at: null,
        error: null,
      });
      expect(created.headers.get('openai-poll-after-ms')).toBe('40');
      expect(created.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);

      // The create answer is the first sample: `queued` may be over before the first poll on a slow machine.
      const seen: { status: string; progress: number }[] = [created.body];
      for (;;) {
        const { body, headers } = await call<Video>(slow.url, `/v1/videos/${created.body.id}`);
        expect(headers.get('cache-control')).toBe('no-store');
        seen.push({ status: body.status, progress: body.progress });
        if (body.status === 'completed') {
          expect(headers.get('openai-poll-after-ms')).toBeNull();
          expect(body.progress).toBe(100);
          expect(body.completed_at).toBeGreaterThanOrEqual(body.created_at);
          expect(body.expires_at).toBe((body.completed_at ?? 0) + 3600);
          break;
        }
        expect(headers.get('openai-poll-after-ms')).toBe('40');
        await sleep(15);
      }
      const statuses = [...new Set(seen.map((s) => s.status))];
      expect(statuses).toEqual(['queued', 'in_progress', 'completed']);
      const progress = seen.filter((s) => s.status === 'in_progress').map((s) => s.progress);
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress[progress.length - 1]).toBeGreaterThan(progress[0] ?? 0);
    } finally {
      await slow.close();
    }
  });

  it('fails a moderated prompt half way with error {code, message}, and has no content then', async () => {
    for (const prompt of ['an nsfw scene', 'GORE everywhere', 'x [moderation-block] y']) {
      const video = await createVideo(emulator.url, { prompt });
      expect(video.status).toBe('queued');
      const failed = await waitForStatus(emulator.url, video.id, 'failed');
      expect(failed.error).toEqual({
        code: 'moderation_blocked',
        message: 'Your request was blocked by our moderation system.',
      });
      expect(failed.progress).toBeGreaterThan(0);
      expect(failed.progress).toBeLessThan(100);
      const content = await call<ErrorEnvelope>(emulator.url, `/v1/videos/${video.id}/content`);
      expect(content.status).toBe(400);
      expect(content.body.error.code).toBe('video_failed');
    }
    // Whole words only: "gorgeous" and "gorilla" are fine.
    const fine = await createVideo(emulator.url, { prompt: 'a gorgeous gorilla' });
    expect((await waitForStatus(emulator.url, fine.id, 'completed')).error).toBeNull();
  });

  it('refuses content before completion with 400 "not ready"', async () => {
    const video = await createVideo(emulator.url);
    const early = await call<ErrorEnvelope>(emulator.url, `/v1/videos/${video.id}/content`);
    expect(early.status).toBe(400);
    expect(early.body.error).toMatchObject({ param: 'video_id', code: 'video_not_ready' });
    expect(early.body.error.message).toMatch(/not ready/);
  });

  it('can leave out openai-poll-after-ms', async () => {
    const quiet = await startEmulator({ jobSeconds: 0.2, pollAfterMs: false });
    try {
      const created = await call(quiet.url, '/v1/videos', { method: 'POST', json: { prompt: 'p' } });
      expect(created.status).toBe(200);
      expect(created.headers.get('openai-poll-after-ms')).toBeNull();
    } finally {
      await quiet.close();
    }
  });

  it('deletes a job: {id, object: "video.deleted", deleted: true}, then 404 everywhere', async () => {
    const video = await createVideo(emulator.url);
    const deleted = await call(emulator.url, `/v1/videos/${video.id}`, { method: 'DELETE' });
    expect(deleted.body).toEqual({ id: video.id, object: 'video.deleted', deleted: true });
    for (const [method, path] of [
      ['GET', ''],
      ['DELETE', ''],
      ['GET', '/content'],
    ] as const) {
      const answer = await call<ErrorEnvelope>(emulator.url, `/v1/videos/${video.id}${path}`, { method });
      expect(answer.status).toBe(404);
      expect(answer.body.error).toEqual({
        message: `Video with id '${video.id}' not found.`,
        type: 'invalid_request_error',
        param: 'video_id',
        code: 'not_found',
      });
    }
  });

  it('remixes only a completed video, inheriting model, size and seconds', async () => {
    const source = await createVideo(emulator.url, { model: 'sora-2-pro', size: '1024x1792', seconds: '12' });
    const early = await call<ErrorEnvelope>(emulator.url, `/v1/videos/${source.id}/remix`, {
      method: 'POST',
      json: { prompt: 'night' },
    });
    expect(early.status).toBe(400);
    expect(early.body.error.param).toBe('video_id');
    await waitForStatus(emulator.url, source.id, 'completed');
    const remix = await call<Video>(emulator.url, `/v1/videos/${source.id}/remix`, {
      method: 'POST',
      json: { prompt: 'night' },
    });
    expect(remix.body).toMatchObject({
      status: 'queued',
      model: 'sora-2-pro',
      size: '1024x1792',
      seconds: '12',
      prompt: 'night',
      remixed_from_video_id: source.id,
    });
    // The official SDKs may send the remix as a form: the same single `prompt` field.
    const body = new FormData();
    body.append('prompt', 'dawn');
    const asForm = await call<Video>(emulator.url, `/v1/videos/${source.id}/remix`, { method: 'POST', body });
    expect(asForm.status).toBe(200);
    expect(asForm.body).toMatchObject({ prompt: 'dawn', seconds: '12', remixed_from_video_id: source.id });
    const missing = await call(emulator.url, `/v1/videos/video_${'0'.repeat(48)}/remix`, {
      method: 'POST',
      json: { prompt: 'night' },
    });
    expect(missing.status).toBe(404);
  });

  it('edits and extends by id only completed jobs (404 for unknown, 400 for unfinished)', async () => {
    const source = await createVideo(emulator.url);
    const early = await call<ErrorEnvelope>(emulator.url, '/v1/videos/extensions', {
      method: 'POST',
      json: { prompt: 'more', seconds: '4', video: { id: source.id } },
    });
    expect(early.status).toBe(400);
    expect(early.body.error.param).toBe('video.id');
    const unknown = await call<ErrorEnvelope>(emulator.url, '/v1/videos/edits', {
      method: 'POST',
      json: { prompt: 'more', video: { id: 'video_unknown' } },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.param).toBe('video.id');
    const notMp4 = new FormData();
    notMp4.append('prompt', 'p');
    notMp4.append('video', new Blob(['hello']), 'x.mp4');
    const refused = await call<ErrorEnvelope>(emulator.url, '/v1/videos/edits', {
      method: 'POST',
      body: notMp4,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ param: 'video', code: 'invalid_video' });
  });
});

describe('Idempotency-Key', () => {
  const post = (key: string, json: unknown, path = '/v1/videos') =>
    call<Video & ErrorEnvelope>(emulator.url, path, {
      method: 'POST',
      headers: { 'idempotency-key': key },
      json,
    });

  it('answers the same job for the same key and body, and 409 for another body', async () => {
    const first = await post('key-1', { prompt: 'once', seconds: '8' });
    const again = await post('key-1', { seconds: '8', prompt: 'once' });
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const other = await post('key-1', { prompt: 'twice', seconds: '8' });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ param: 'Idempotency-Key', code: 'idempotency_key_reused' });
    const elsewhere = await post('key-1', { prompt: 'once' }, `/v1/videos/${first.body.id}/remix`);
    expect(elsewhere.status).toBe(409);
    expect(emulator.videos().filter((v) => v.prompt === 'once')).toHaveLength(1);
  });

  it('recognises a multipart retry (new boundary, same fields and file) as the same request', async () => {
    const send = async (fileText: string) => {
      const body = new FormData();
      body.append('prompt', 'multipart once');
      body.append('video', new Blob([`\0\0\0\x18ftypisom${fileText}`]), 'clip.mp4');
      return call<Video & ErrorEnvelope>(emulator.url, '/v1/videos/edits', {
        method: 'POST',
        headers: { 'idempotency-key': 'key-multipart' },
        body,
      });
    };
    const first = await send('same bytes');
    expect(first.status).toBe(200);
    expect((await send('same bytes')).body.id).toBe(first.body.id);
    expect((await send('other bytes')).status).toBe(409);
  });

  it('does not remember a request that failed validation', async () => {
    expect((await post('key-invalid', { prompt: '' })).status).toBe(400);
    expect((await post('key-invalid', { prompt: 'fixed' })).status).toBe(200);
  });

  it('is logged with the request', async () => {
    emulator.clearRequests();
    await post('key-logged', { prompt: 'logged' });
    expect(emulator.requests()).toEqual([
      expect.objectContaining({ method: 'POST', idempotencyKey: 'key-logged' }),
    ]);
  });
});

describe('auth', () => {
  it('accepts any bearer key without apiKey, and answers 401 without one', async () => {
    expect(
      (await call(emulator.url, '/v1/videos', { headers: { authorization: 'Bearer anything' } })).status,
    ).toBe(200);
    const none = await call<ErrorEnvelope>(emulator.url, '/v1/videos', { headers: { authorization: '' } });
    expect(none.status).toBe(401);
    expect(none.body.error.message).toMatch(/didn't provide an API key/);
    const basic = await call(emulator.url, '/v1/videos', {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(basic.status).toBe(401);
  });

  it('with apiKey, refuses every other key with 401 invalid_api_key and never logs the key', async () => {
    const secret = 'sk-emulator-secret-123';
    const guarded = await startEmulator({ jobSeconds: 0.2, apiKey: secret });
    try {
      const wrong = await call<ErrorEnvelope>(guarded.url, '/v1/videos', {
        headers: { authorization: `Bearer ${TEST_KEY}` },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toEqual({
        message: 'Incorrect API key provided.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      });
      const right = await call(guarded.url, '/v1/videos', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'idempotency-key': 'k' },
        json: { prompt: 'p' },
      });
      expect(right.status).toBe(200);
      expect((await call(guarded.url, '/v1/videos', { headers: { authorization: '' } })).status).toBe(401);
      // The emulator's own endpoints need no key.
      const log = await fetch(`${guarded.url}/_emulator/requests`);
      expect(log.status).toBe(200);
      const text = await log.text();
      expect(JSON.parse(text).data.map((e: { status: number }) => e.status)).toEqual([401, 200, 401]);
      expect(text).not.toContain(secret);
      expect(JSON.stringify(guarded.requests())).not.toContain(secret);
    } finally {
      await guarded.close();
    }
  });
});

describe('list cursors', () => {
  it('pages in both orders with first_id, last_id and has_more, across a deleted cursor', async () => {
    const own = await startEmulator({ jobSeconds: 0.2 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await createVideo(own.url, { prompt: `job ${i}` })).id);
      const page = async (query: string) => (await call<VideoList>(own.url, `/v1/videos?${query}`)).body;

      const collect = async (order: 'asc' | 'desc') => {
        const seen: string[] = [];
        let after = '';
        for (;;) {
          const body = await page(`limit=3&order=${order}${after ? `&after=${after}` : ''}`);
          expect(body.object).toBe('list');
          expect(body.first_id).toBe(body.data[0]?.id ?? null);
          expect(body.last_id).toBe(body.data[body.data.length - 1]?.id ?? null);
          seen.push(...body.data.map((v) => v.id));
          if (!body.has_more) break;
          after = body.last_id ?? '';
        }
        return seen;
      };
      expect(await collect('asc')).toEqual(ids);
      expect(await collect('desc')).toEqual([...ids].reverse());

      const defaults = await page('');
      expect(defaults.data.map((v) => v.id)).toEqual([...ids].reverse());
      expect(defaults.has_more).toBe(false);

      const exact = await page('limit=7');
      expect(exact.has_more).toBe(false);
      expect((await page('limit=6')).has_more).toBe(true);

      // A cursor whose job was deleted since still works.
      await call(own.url, `/v1/videos/${ids[2]}`, { method: 'DELETE' });
      expect((await page(`order=asc&after=${ids[2]}&limit=2`)).data.map((v) => v.id)).toEqual([
        ids[3],
        ids[4],
      ]);
      expect((await page(`order=desc&after=${ids[2]}`)).data.map((v) => v.id)).toEqual([ids[1], ids[0]]);

      const empty = await page(`order=asc&after=${ids[6]}`);
      expect(empty).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
    } finally {
      await own.close();
    }
  });

  it('limit=0 answers an empty page whose has_more says whether any video follows', async () => {
    const own = await startEmulator({ jobSeconds: 0.2 });
    try {
      const page = async (query: string) => call<VideoList>(own.url, `/v1/videos?${query}`);
      const none = await page('limit=0');
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
      const first = await createVideo(own.url);
      const second = await createVideo(own.url);
      expect((await page('limit=0')).body).toEqual({
        object: 'list',
        data: [],
        first_id: null,
        last_id: null,
        has_more: true,
      });
      expect((await page(`limit=0&order=asc&after=${first.id}`)).body.has_more).toBe(true);
      expect((await page(`limit=0&order=asc&after=${second.id}`)).body.has_more).toBe(false);
    } finally {
      await own.close();
    }
  });
});
