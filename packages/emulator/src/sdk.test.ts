/**
 * The official `openai` SDK (v6) against the emulator: the whole lifecycle through the SDK's own
 * methods, its auto-paginating list, every content variant, and its error classes.
 */

import { makeImage } from '@sora-kit/test-support/media';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Video } from './generated/openapi.js';
import { type RunningEmulator, startEmulator } from './index.js';

const KEY = 'sk-sdk-test';
let emulator: RunningEmulator;
let client: OpenAI;

beforeAll(async () => {
  emulator = await startEmulator({ jobSeconds: 0.3, apiKey: KEY });
  client = new OpenAI({ apiKey: KEY, baseURL: `${emulator.url}/v1`, maxRetries: 0 });
});
afterAll(() => emulator.close());

/** Polls with the SDK until the job leaves queued/in_progress. */
async function settle(id: string): Promise<OpenAI.Videos.Video> {
  for (;;) {
    const video = await client.videos.retrieve(id);
    if (video.status !== 'queued' && video.status !== 'in_progress') return video;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

describe('openai SDK lifecycle', () => {
  it('creates (multipart, as the SDK sends it), polls to completed and downloads every variant', async () => {
    const created = await client.videos.create({
      prompt: 'a tiger in a farmyard',
      seconds: '4',
      size: '1280x720',
    });
    expect(created).toMatchObject({
      object: 'video',
      status: 'queued',
      progress: 0,
      seconds: '4',
      size: '1280x720',
    });
    expect(created.id).toMatch(/^video_[0-9a-f]{48}$/);
    expect(created.model).toBe('sora-2');

    const done = await settle(created.id);
    expect(done.status).toBe('completed');
    expect(done.progress).toBe(100);
    expect(done.completed_at).toBeTypeOf('number');
    expect(done.expires_at).toBe((done.completed_at ?? 0) + 3600);

    const magic = {
      video: (b: Uint8Array) => String.fromCharCode(...b.subarray(4, 8)) === 'ftyp',
      thumbnail: (b: Uint8Array) => String.fromCharCode(...b.subarray(8, 12)) === 'WEBP',
      spritesheet: (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8,
    };
    const types = { video: 'video/mp4', thumbnail: 'image/webp', spritesheet: 'image/jpeg' };
    for (const variant of ['video', 'thumbnail', 'spritesheet'] as const) {
      const response = await client.videos.downloadContent(created.id, { variant });
      expect(response.headers.get('content-type')).toBe(types[variant]);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(bytes.length).toBe(Number(response.headers.get('content-length')));
      expect(magic[variant](bytes)).toBe(true);
    }
  });

  it('creates from a JSON body too (the SDK generic post)', async () => {
    const video = await client.post<Video>('/videos', {
      body: { prompt: 'a cat on a wall', model: 'sora-2-pro', seconds: '8', size: '1792x1024' },
    });
    expect(video).toMatchObject({ status: 'queued', model: 'sora-2-pro', seconds: '8', size: '1792x1024' });
  });

  it('sends an input_reference file with toFile, and an image_url object as bracketed form fields', async () => {
    const png = await makeImage('png', 720, 1280);
    const withFile = await client.videos.create({
      prompt: 'the cat walks out of frame',
      size: '720x1280',
      input_reference: await toFile(png, 'first-frame.png', { type: 'image/png' }),
    });
    expect(withFile.status).toBe('queued');

    const dataUrl = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
    const withUrl = await client.videos.create({ prompt: 'again', input_reference: { image_url: dataUrl } });
    expect(withUrl.size).toBe('720x1280');

    const wrongSize = client.videos.create({
      prompt: 'mismatch',
      size: '1280x720',
      input_reference: await toFile(png, 'first-frame.png', { type: 'image/png' }),
    });
    await expect(wrongSize).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(wrongSize).rejects.toMatchObject({ status: 400, param: 'input_reference' });
  });

  it('remixes, edits and extends a completed video', async () => {
    const source = await client.videos.create({ prompt: 'a fox', seconds: '8', size: '1280x720' });
    await expect(client.videos.remix(source.id, { prompt: 'too early' })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    await settle(source.id);

    const remix = await client.videos.remix(source.id, { prompt: 'the fox at night' });
    expect(remix).toMatchObject({
      remixed_from_video_id: source.id,
      seconds: '8',
      size: '1280x720',
      model: 'sora-2',
    });
    expect(remix.prompt).toBe('the fox at night');

    const edit = await client.videos.edit({ prompt: 'make it a wolf', video: { id: source.id } });
    expect(edit).toMatchObject({ status: 'queued', size: '1280x720', seconds: '8' });

    const extension = await client.videos.extend({
      prompt: 'the fox runs on',
      seconds: '4',
      video: { id: source.id },
    });
    // `seconds` of an extension is the stitched total (the SDK's `Video.seconds` is an open string for it).
    expect(extension).toMatchObject({ status: 'queued', size: '1280x720', seconds: '12' });

    const mp4 = new Uint8Array(await (await client.videos.downloadContent(source.id)).arrayBuffer());
    const editOfFile = await client.videos.edit({ prompt: 'sepia', video: await toFile(mp4, 'source.mp4') });
    expect(editOfFile.status).toBe('queued');
  });

  it('creates a character from a video file and gets it back', async () => {
    const source = await client.videos.create({ prompt: 'Whiskers the cat waves' });
    await settle(source.id);
    const mp4 = new Uint8Array(await (await client.videos.downloadContent(source.id)).arrayBuffer());
    const character = await client.videos.createCharacter({
      name: 'Whiskers',
      video: await toFile(mp4, 'whiskers.mp4', { type: 'video/mp4' }),
    });
    expect(character.id).toMatch(/^char_[0-9a-f]{32}$/);
    expect(character.name).toBe('Whiskers');
    expect(await client.videos.getCharacter(character.id ?? '')).toEqual(character);
  });

  it('lists every job through the auto-paginating iterator, in both orders', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client.videos.create({ prompt: `page item ${i}` })).id);

    const ascending: string[] = [];
    for await (const video of client.videos.list({ limit: 2, order: 'asc' })) ascending.push(video.id);
    expect(ascending.slice(-5)).toEqual(ids);

    const descending: string[] = [];
    for await (const video of client.videos.list({ limit: 3 })) descending.push(video.id);
    expect(descending.slice(0, 5)).toEqual([...ids].reverse());
    expect(descending).toEqual([...ascending].reverse());

    const firstPage = await client.videos.list({ limit: 2 });
    expect(firstPage.data).toHaveLength(2);
    expect(firstPage.has_more).toBe(true);
    expect(firstPage.hasNextPage()).toBe(true);

    // `limit: 0`, as the SDK's own tests send it: an empty page that still says more exist, which the
    // SDK's iterator reads as the end (no cursor to follow).
    const emptyPage = await client.videos.list({ limit: 0 });
    expect(emptyPage.data).toEqual([]);
    expect(emptyPage.has_more).toBe(true);
    const walked: string[] = [];
    for await (const video of client.videos.list({ limit: 0 })) walked.push(video.id);
    expect(walked).toEqual([]);
  });

  it('deletes a job, which is then not found', async () => {
    const video = await client.videos.create({ prompt: 'short lived' });
    expect(await client.videos.delete(video.id)).toEqual({
      id: video.id,
      object: 'video.deleted',
      deleted: true,
    });
    await expect(client.videos.retrieve(video.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.videos.delete(video.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('raises BadRequestError, AuthenticationError and NotFoundError where the service would', async () => {
    const badSeconds = client.videos.create({ prompt: 'x', seconds: '5' as '4' });
    await expect(badSeconds).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(badSeconds).rejects.toMatchObject({
      param: 'seconds',
      code: 'invalid_value',
      type: 'invalid_request_error',
    });

    const badSize = client.videos.create({ prompt: 'x', size: '1024x1792' });
    await expect(badSize).rejects.toMatchObject({ status: 400, param: 'size' });

    const notReady = await client.videos.create({ prompt: 'not yet' });
    await expect(client.videos.downloadContent(notReady.id)).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    const intruder = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${emulator.url}/v1`, maxRetries: 0 });
    await expect(intruder.videos.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(intruder.videos.retrieve(notReady.id)).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });

    await expect(client.videos.retrieve(`video_${'0'.repeat(48)}`)).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
    await expect(client.videos.getCharacter('char_missing')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('reports a moderated prompt as failed with error.code moderation_blocked', async () => {
    const video = await client.videos.create({ prompt: 'a [moderation-block] scene' });
    const failed = await settle(video.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({ code: 'moderation_blocked', message: expect.any(String) });
    expect(failed.completed_at).toBeNull();
  });

  it('survives a scheduled 429 with the SDK retrying after retry-after-ms', async () => {
    const retrying = new OpenAI({ apiKey: KEY, baseURL: `${emulator.url}/v1`, maxRetries: 2 });
    emulator.faults.add({
      kind: 'rate-limit',
      times: 2,
      method: 'GET',
      path: '/v1/videos',
      retryAfterMs: 20,
    });
    emulator.clearRequests();
    const page = await retrying.videos.list({ limit: 1 });
    expect(page.data).toHaveLength(1);
    expect(emulator.requests().map((r) => r.status)).toEqual([429, 429, 200]);
  });
});
