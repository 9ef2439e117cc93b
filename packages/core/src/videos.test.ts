import { describe, expect, test } from 'vitest';
import { useEmulator } from './test-support/emulator.js';

/** A PNG header with the given dimensions: enough for a server that checks `input_reference` sizes. */
function png(width: number, height: number): Blob {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  return new Blob([bytes], { type: 'image/png' });
}

const t = useEmulator();

describe('the other operations against the emulator', () => {
  test('create sends JSON by default, with seconds as a string', async () => {
    const video = await t.client.videos.create({
      prompt: 'a tiger',
      seconds: '8',
      size: '1280x720',
      model: 'sora-2',
    });
    expect(video).toMatchObject({
      object: 'video',
      status: 'queued',
      seconds: '8',
      size: '1280x720',
      model: 'sora-2',
    });
  });

  test('create with a file input_reference is sent as multipart (and its size is checked by the server)', async () => {
    const video = await t.client.videos.create({
      prompt: 'first frame',
      size: '1280x720',
      input_reference: png(1280, 720),
    });
    expect(video.size).toBe('1280x720');
    const wrong = await t.client.videos
      .create({ prompt: 'first frame', size: '1280x720', input_reference: png(640, 480) })
      .catch((e) => e);
    expect(wrong.status).toBe(400);
    expect(wrong.param).toBe('input_reference');
  });

  test('remix, edit and extend a completed video; delete it', async () => {
    const source = await t.client.videos.createAndPoll({ prompt: 'a tiger' });
    const remix = await t.client.videos.remix(source.id, { prompt: 'at night' });
    expect(remix.remixed_from_video_id).toBe(source.id);
    const edit = await t.client.videos.edit({ prompt: 'a snow leopard', video: { id: source.id } });
    expect(edit.status).toBe('queued');
    const extension = await t.client.videos.extend({
      prompt: 'it walks on',
      seconds: '12',
      video: { id: source.id },
    });
    expect(extension.status).toBe('queued');
    // The stitched total: the 4 s source plus the 12 s segment.
    expect(source.seconds).toBe('4');
    expect(extension.seconds).toBe('16');
    const posts = t.emu.requests().filter((r) => r.method === 'POST');
    expect(posts.every((r) => r.idempotencyKey?.startsWith('sora-kit-'))).toBe(true);
    expect(new Set(posts.map((r) => r.idempotencyKey)).size).toBe(posts.length);
    const deleted = await t.client.videos.delete(source.id);
    expect(deleted).toEqual({ id: source.id, object: 'video.deleted', deleted: true });
    await expect(t.client.videos.retrieve(source.id)).rejects.toMatchObject({ status: 404 });
  });

  test('edit an uploaded MP4 (multipart), and make a character from one', async () => {
    const source = await t.client.videos.createAndPoll({ prompt: 'a cat' });
    const mp4 = await (await t.client.videos.downloadContent(source.id)).blob();
    const edit = await t.client.videos.edit({
      prompt: 'make it blue',
      video: new File([mp4], 'cat.mp4', { type: 'video/mp4' }),
    });
    expect(edit.status).toBe('queued');
    const character = await t.client.videos.createCharacter({
      name: 'Whiskers',
      video: new File([mp4], 'cat.mp4', { type: 'video/mp4' }),
    });
    expect(character).toMatchObject({ name: 'Whiskers' });
    expect(await t.client.videos.getCharacter(character.id)).toMatchObject({
      id: character.id,
      name: 'Whiskers',
    });
  });
});

describe('multipart encoding', () => {
  test('objects are sent as bracketed fields, files as files', async () => {
    const { toFormData } = await import('./multipart.js');
    const file = new File(['x'], 'a.mp4');
    const form = toFormData({
      prompt: 'p',
      seconds: '4',
      video: file,
      input_reference: { image_url: 'https://x/y.png' },
      none: undefined,
    });
    expect([...form.keys()]).toEqual(['prompt', 'seconds', 'video', 'input_reference[image_url]']);
    expect(form.get('input_reference[image_url]')).toBe('https://x/y.png');
    expect(form.get('video')).toBeInstanceOf(File);
  });
});
