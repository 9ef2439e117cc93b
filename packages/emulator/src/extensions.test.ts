/**
 * Extensions report the stitched total in `seconds` (a 4 s video extended by 12 is `"16"`), as OpenAI's
 * `Video.seconds` says, and their media last that long; edits keep their source's duration; an uploaded
 * source lends the duration its MP4 header states. Checked over raw HTTP and with ffprobe.
 */

import { ffprobe } from '@sora-kit/test-support/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Video } from './generated/openapi.js';
import { type RunningEmulator, startEmulator } from './index.js';
import { call, createVideo, type ErrorEnvelope, TEST_KEY, waitForStatus } from './test-support/http.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ jobSeconds: 0.2 });
});
afterAll(() => emulator.close());

const post = (path: string, init: { json?: unknown; body?: FormData }) =>
  call<Video & ErrorEnvelope>(emulator.url, path, { method: 'POST', ...init });

async function completed(video: Video): Promise<Video> {
  return waitForStatus(emulator.url, video.id, 'completed');
}

async function mp4Of(id: string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(`${emulator.url}/v1/videos/${id}/content`, {
    headers: { authorization: `Bearer ${TEST_KEY}` },
  });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

describe('extensions report the stitched total', () => {
  it('4 s extended by 12 is "16", and by 8 more is "24"; the MP4 lasts that long', async () => {
    const source = await completed(await createVideo(emulator.url, { seconds: '4', size: '1280x720' }));
    const once = await post('/v1/videos/extensions', {
      json: { prompt: 'the tiger walks on', seconds: '12', video: { id: source.id } },
    });
    expect(once.status).toBe(200);
    expect(once.body).toMatchObject({ seconds: '16', size: '1280x720', model: 'sora-2', status: 'queued' });
    // The total is the job's own: every later read reports it too.
    expect((await completed(once.body)).seconds).toBe('16');

    // The official SDKs send the source as the form field `video[id]`.
    const form = new FormData();
    form.append('prompt', 'and sits down');
    form.append('seconds', '8');
    form.append('video[id]', once.body.id);
    const twice = await post('/v1/videos/extensions', { body: form });
    expect(twice.status).toBe(200);
    expect(twice.body.seconds).toBe('24');

    const probe = await ffprobe(await mp4Of((await completed(once.body)).id), 'mp4');
    expect(probe).toMatchObject({ width: 1280, height: 720 });
    expect(probe.durationSeconds).toBeCloseTo(16, 1);
  }, 60_000);

  it('an edit and a remix keep the duration of an extended source', async () => {
    const source = await completed(await createVideo(emulator.url, { seconds: '8' }));
    const extended = await completed(
      (
        await post('/v1/videos/extensions', {
          json: { prompt: 'on', seconds: '4', video: { id: source.id } },
        })
      ).body,
    );
    expect(extended.seconds).toBe('12');
    const edit = await post('/v1/videos/edits', { json: { prompt: 'sepia', video: { id: extended.id } } });
    expect(edit.body.seconds).toBe('12');
    const remix = await post(`/v1/videos/${extended.id}/remix`, { json: { prompt: 'at night' } });
    expect(remix.body.seconds).toBe('12');
  });

  it('an uploaded source lends the duration of its MP4 header', async () => {
    const source = await completed(await createVideo(emulator.url, { seconds: '8' }));
    const upload = new Blob([await mp4Of(source.id)], { type: 'video/mp4' });
    const form = new FormData();
    form.append('prompt', 'more of the same');
    form.append('seconds', '4');
    form.append('video', upload, 'source.mp4');
    const extension = await post('/v1/videos/extensions', { body: form });
    expect(extension.status).toBe(200);
    expect(extension.body.seconds).toBe('12');

    const editForm = new FormData();
    editForm.append('prompt', 'sepia');
    editForm.append('video', upload, 'source.mp4');
    expect((await post('/v1/videos/edits', { body: editForm })).body.seconds).toBe('8');
  });

  it('refuses an extension whose total the emulator could not render (over an hour)', async () => {
    // An MP4 whose movie header claims 3600 s: `ftyp`, then `moov` holding a version-0 `mvhd`.
    const mvhd = new Uint8Array(108);
    const view = new DataView(mvhd.buffer);
    view.setUint32(0, 108);
    mvhd.set([0x6d, 0x76, 0x68, 0x64], 4); // 'mvhd'
    view.setUint32(20, 1000); // timescale
    view.setUint32(24, 3_600_000); // duration: 3600 s
    const moov = new Uint8Array(8 + mvhd.length);
    new DataView(moov.buffer).setUint32(0, moov.length);
    moov.set([0x6d, 0x6f, 0x6f, 0x76], 4); // 'moov'
    moov.set(mvhd, 8);
    const ftyp = new Uint8Array([0, 0, 0, 16, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0]);
    const form = new FormData();
    form.append('prompt', 'longer');
    form.append('seconds', '4');
    form.append('video', new Blob([ftyp, moov], { type: 'video/mp4' }), 'hour.mp4');
    const refused = await post('/v1/videos/extensions', { body: form });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ param: 'seconds', code: 'video_too_long' });
    expect(refused.body.error.message).toMatch(/would last 3604 seconds/);
    expect(emulator.videos().filter((v) => v.prompt === 'longer')).toHaveLength(0);
  });
});
