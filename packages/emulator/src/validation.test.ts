/**
 * Run-time validation against the spec, through raw HTTP: every seed rule answers 400 with the
 * OpenAI envelope and `param` naming the field; valid requests of every shape pass.
 */

import { makeImage } from '@sora-kit/test-support/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument } from './generated/document.js';
import { type RunningEmulator, startEmulator } from './index.js';
import { call, createVideo, type ErrorEnvelope, waitForStatus } from './test-support/http.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ jobSeconds: 0.2 });
});
afterAll(() => emulator.close());

const create = (json: unknown) => call<ErrorEnvelope>(emulator.url, '/v1/videos', { method: 'POST', json });

function form(fields: Record<string, string | Blob>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return body;
}
const createForm = (fields: Record<string, string | Blob>) =>
  call<ErrorEnvelope>(emulator.url, '/v1/videos', { method: 'POST', body: form(fields) });

async function expect400(
  answer: Promise<{ status: number; body: ErrorEnvelope }>,
  param: string | null,
  message?: RegExp,
) {
  const { status, body } = await answer;
  expect(status).toBe(400);
  expect(body.error.type).toBe('invalid_request_error');
  expect(body.error.param).toBe(param);
  if (message) expect(body.error.message).toMatch(message);
  return body.error;
}

describe('seed rules', () => {
  it('seconds is a string of 4, 8 or 12', async () => {
    for (const seconds of ['4', '8', '12']) expect((await create({ prompt: 'p', seconds })).status).toBe(200);
    const error = await expect400(create({ prompt: 'p', seconds: '5' }), 'seconds');
    expect(error.message).toBe("Invalid value for 'seconds': '5'. Allowed values: '4', '8', '12'.");
    expect(error.code).toBe('invalid_value');
    await expect400(
      create({ prompt: 'p', seconds: 8 }),
      'seconds',
      /Invalid type for 'seconds': expected a string/,
    );
    await expect400(createForm({ prompt: 'p', seconds: '16' }), 'seconds', /Allowed values: '4', '8', '12'/);
  });

  it('size is one of the four sizes, and the 1792 sizes need sora-2-pro', async () => {
    for (const size of ['720x1280', '1280x720'])
      expect((await create({ prompt: 'p', size })).status).toBe(200);
    for (const size of ['1024x1792', '1792x1024']) {
      for (const model of ['sora-2-pro', 'sora-2-pro-2025-10-06']) {
        expect((await create({ prompt: 'p', size, model })).status).toBe(200);
      }
      // Without a model the default sora-2 applies; with any sora-2 name it is refused, naming `size`.
      for (const model of [undefined, 'sora-2', 'sora-2-2025-12-08']) {
        const error = await expect400(create({ prompt: 'p', size, model }), 'size');
        expect(error.message).toContain('sora-2-pro');
        expect(error.message).toContain(size);
      }
      await expect400(createForm({ prompt: 'p', size, model: 'sora-2' }), 'size', /sora-2-pro/);
    }
    await expect400(
      create({ prompt: 'p', size: '1920x1080' }),
      'size',
      /Allowed values: '720x1280', '1280x720', '1024x1792', '1792x1024'/,
    );
  });

  it('prompt is required and 1 to 32000 characters', async () => {
    await expect400(create({}), 'prompt', /Missing required parameter: 'prompt'/);
    await expect400(create({ prompt: '' }), 'prompt', /minimum length 1/);
    await expect400(create({ prompt: 'x'.repeat(32_001) }), 'prompt', /maximum length 32000/);
    expect((await create({ prompt: 'x'.repeat(32_000) })).status).toBe(200);
    expect((await create({ prompt: '一只凶猛的老虎破门闯入农家小院' })).status).toBe(200);
    await expect400(create({ prompt: 42 }), 'prompt', /expected a string, but got an integer/);
  });

  it('model is open: known names, dated snapshots and other names pass, a non-string does not', async () => {
    for (const model of ['sora-2', 'sora-2-pro', 'sora-2-2025-10-06', 'sora-3-preview']) {
      expect((await create({ prompt: 'p', model })).status).toBe(200);
    }
    await expect400(create({ prompt: 'p', model: 2 }), 'model', /expected a string/);
    await expect400(create({ prompt: 'p', model: '' }), 'model', /minimum length 1/);
  });

  it('unknown fields are refused by name', async () => {
    const error = await expect400(create({ prompt: 'p', duration: 4 }), 'duration');
    expect(error.message).toBe('Unrecognized request argument supplied: duration');
    await expect400(createForm({ prompt: 'p', quality: 'high' }), 'quality');
    await expect400(
      create({ prompt: 'p', input_reference: { image_url: 'https://example.com/a.png', detail: 'x' } }),
      'input_reference.detail',
    );
  });
});

describe('input_reference must match size', () => {
  for (const format of ['png', 'jpeg', 'webp', 'webp-lossless', 'webp-alpha'] as const) {
    it(`reads the dimensions of a ${format} upload`, async () => {
      const bytes = await makeImage(format, 1280, 720);
      const chunk = { webp: 'VP8 ', 'webp-lossless': 'VP8L', 'webp-alpha': 'VP8X' }[format as string];
      if (chunk) expect(String.fromCharCode(...bytes.subarray(12, 16))).toBe(chunk);
      const image = new Blob([bytes]);
      expect((await createForm({ prompt: 'p', size: '1280x720', input_reference: image })).status).toBe(200);
      const error = await expect400(
        createForm({ prompt: 'p', size: '720x1280', input_reference: image }),
        'input_reference',
      );
      expect(error.message).toContain('1280x720');
      expect(error.message).toContain("'size' is 720x1280");
    });
  }

  it('checks a data URL in JSON, accepts https URLs and file ids unchecked, refuses other URLs', async () => {
    const png = Buffer.from(await makeImage('png', 720, 1280)).toString('base64');
    expect(
      (await create({ prompt: 'p', input_reference: { image_url: `data:image/png;base64,${png}` } })).status,
    ).toBe(200);
    await expect400(
      create({
        prompt: 'p',
        size: '1280x720',
        input_reference: { image_url: `data:image/png;base64,${png}` },
      }),
      'input_reference',
      /the image is 720x1280/,
    );
    const https = { image_url: 'https://example.com/cat-1280x720.png' };
    expect((await create({ prompt: 'p', size: '1280x720', input_reference: https })).status).toBe(200);
    expect((await create({ prompt: 'p', input_reference: { file_id: 'file-abc123' } })).status).toBe(200);
    await expect400(
      create({ prompt: 'p', input_reference: { image_url: 'ftp://x/y.png' } }),
      'input_reference.image_url',
    );
    await expect400(
      create({ prompt: 'p', input_reference: {} }),
      'input_reference.image_url',
      /Missing required/,
    );
  });

  it('refuses something that is not an image, and a text field where a file belongs', async () => {
    await expect400(
      createForm({ prompt: 'p', input_reference: new Blob(['not an image']) }),
      'input_reference',
      /JPEG, PNG or WebP/,
    );
    await expect400(
      createForm({ prompt: 'p', input_reference: 'https://example.com/a.png' }),
      'input_reference',
      /expected a file upload/,
    );
    await expect400(createForm({ prompt: new Blob(['p']) as unknown as string }), 'prompt', /got a file/);
  });
});

describe('one first frame, one source', () => {
  const both = /send either '(input_reference\[)?image_url\]?' or '(input_reference\[)?file_id\]?', not both/;

  it('input_reference takes image_url or file_id, and says so when given both', async () => {
    const error = await expect400(
      create({ prompt: 'p', input_reference: { image_url: 'https://example.com/a.png', file_id: 'file-1' } }),
      'input_reference',
    );
    expect(error.message).toBe("Invalid 'input_reference': send either 'image_url' or 'file_id', not both.");
    // The same in a form, as the official SDKs encode the object: bracketed fields.
    const inForm = await expect400(
      createForm({
        prompt: 'p',
        'input_reference[image_url]': 'https://example.com/a.png',
        'input_reference[file_id]': 'file-1',
      }),
      'input_reference',
      both,
    );
    expect(inForm.message).toBe(
      "Invalid 'input_reference': send either 'input_reference[image_url]' or 'input_reference[file_id]', not both.",
    );
    const png = new Blob([await makeImage('png', 720, 1280)]);
    await expect400(
      createForm({ prompt: 'p', input_reference: png, 'input_reference[file_id]': 'file-1' }),
      'input_reference',
      /send either 'input_reference\[file_id\]' or 'input_reference', not both/,
    );
    // One of them alone passes, in either encoding.
    expect((await createForm({ prompt: 'p', 'input_reference[file_id]': 'file-1' })).status).toBe(200);
    expect((await create({ prompt: 'p', input_reference: { file_id: 'file-1' } })).status).toBe(200);
  });

  it('edits and extensions take a file or video[id], not both, and extensions need seconds', async () => {
    const source = await createVideo(emulator.url);
    await waitForStatus(emulator.url, source.id, 'completed');
    const post = (path: string, init: { json?: unknown; body?: FormData }) =>
      call<ErrorEnvelope>(emulator.url, path, { method: 'POST', ...init });
    await expect400(
      post('/v1/videos/extensions', { json: { prompt: 'p', video: { id: source.id } } }),
      'seconds',
      /Missing required parameter: 'seconds'/,
    );
    await expect400(
      post('/v1/videos/extensions', { body: form({ prompt: 'p', 'video[id]': source.id }) }),
      'seconds',
      /Missing required parameter: 'seconds'/,
    );
    const mp4 = new Blob([
      new Uint8Array([0, 0, 0, 16, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0]),
    ]);
    await expect400(
      post('/v1/videos/edits', { body: form({ prompt: 'p', video: mp4, 'video[id]': source.id }) }),
      'video',
      /send either 'video\[id\]' or 'video', not both/,
    );
    await expect400(post('/v1/videos/edits', { body: form({ prompt: 'p' }) }), 'video', /Missing required/);
    const byId = await post('/v1/videos/edits', { body: form({ prompt: 'p', 'video[id]': source.id }) });
    expect(byId.status).toBe(200);
  });
});

describe('bodies, parameters and routes', () => {
  it('answers 400 for unparsable JSON and for a media type the operation does not take', async () => {
    const bad = await call<ErrorEnvelope>(emulator.url, '/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"prompt": ',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/could not parse the JSON body/);
    const text = await call<ErrorEnvelope>(emulator.url, '/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'a tiger',
    });
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('unsupported_content_type');
    const characterAsJson = await call<ErrorEnvelope>(emulator.url, '/v1/videos/characters', {
      method: 'POST',
      json: { name: 'Whiskers', video: 'x' },
    });
    expect(characterAsJson.body.error.message).toMatch(/accepts multipart\/form-data/);
  });

  it('validates list parameters (limit 0-100, order asc/desc, after an id)', async () => {
    await expect400(call(emulator.url, '/v1/videos?limit=-1'), 'limit', /Expected a value >= 0/);
    await expect400(call(emulator.url, '/v1/videos?limit=101'), 'limit', /Expected a value <= 100/);
    await expect400(
      call(emulator.url, '/v1/videos?limit=ten'),
      'limit',
      /expected an integer, but got a string/,
    );
    await expect400(call(emulator.url, '/v1/videos?order=newest'), 'order', /Allowed values: 'asc', 'desc'/);
    await expect400(call(emulator.url, '/v1/videos?after=no%20such'), 'after', /expected format/);
    await expect400(
      call(emulator.url, `/v1/videos?after=video_${'f'.repeat(48)}`),
      'after',
      /No video with id/,
    );
    expect((await call(emulator.url, '/v1/videos?limit=100&order=asc')).status).toBe(200);
  });

  it('validates the content variant and the Idempotency-Key', async () => {
    const video = await createVideo(emulator.url);
    await waitForStatus(emulator.url, video.id, 'completed');
    await expect400(
      call(emulator.url, `/v1/videos/${video.id}/content?variant=gif`),
      'variant',
      /Allowed values: 'video', 'thumbnail', 'spritesheet'/,
    );
    await expect400(
      call(emulator.url, '/v1/videos', {
        method: 'POST',
        headers: { 'idempotency-key': 'k'.repeat(256) },
        json: { prompt: 'p' },
      }),
      'Idempotency-Key',
      /maximum length 255/,
    );
  });

  it('routes every operation of the spec (none answers "Invalid URL")', async () => {
    const paths = openapiDocument.paths as Record<string, Record<string, unknown>>;
    let operations = 0;
    for (const [path, item] of Object.entries(paths)) {
      for (const method of ['get', 'post', 'delete'].filter((m) => m in item)) {
        operations++;
        const url = path.replace('{video_id}', `video_${'a'.repeat(48)}`).replace('{character_id}', 'char_x');
        const { body } = await call<ErrorEnvelope>(emulator.url, url, { method: method.toUpperCase() });
        expect(body?.error?.message ?? '', `${method} ${path}`).not.toMatch(/Invalid URL/);
      }
    }
    expect(operations).toBe(10);
    const unknown = await call<ErrorEnvelope>(emulator.url, '/v1/videos/x/frames');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('Invalid URL (GET /v1/videos/x/frames)');
    const root = await fetch(`${emulator.url}/`);
    expect(root.status).toBe(404);
    expect(root.headers.get('x-request-id')).toMatch(/^req_/);
  });
});
