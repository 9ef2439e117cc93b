/**
 * Bounded memory per request: a JSON body past `maxBodyBytes` (1 MiB), a form past its budget, a file
 * part past `maxUploadBytes` is a 413 envelope, whether the size was announced (`Content-Length`) or
 * not (chunked); a model name past 256 characters is refused like an over-long prompt.
 */

import { makeImage } from '@sora-kit/test-support/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from './index.js';
import { resolveAppOptions } from './options.js';
import { call, type ErrorEnvelope } from './test-support/http.js';

const MIB = 1024 * 1024;
const UPLOAD_LIMIT = 64 * 1024;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ jobSeconds: 0.2, maxUploadBytes: UPLOAD_LIMIT });
});
afterAll(() => emulator.close());

/** A JSON create body of exactly `bytes` bytes (padded inside the prompt). */
function jsonOfSize(bytes: number): string {
  const empty = JSON.stringify({ prompt: '' });
  return JSON.stringify({ prompt: 'x'.repeat(bytes - empty.length) });
}

/** A body sent without Content-Length (chunked), so the size is only known by reading it. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + 64 * 1024));
      at += 64 * 1024;
    },
  });
}

async function expect413(answer: Promise<{ status: number; body: ErrorEnvelope }>, param: string | null) {
  const { status, body } = await answer;
  expect(status).toBe(413);
  expect(body.error.type).toBe('invalid_request_error');
  expect(body.error.param).toBe(param);
  return body.error;
}

describe('request size limits', () => {
  it('defaults: 1 MiB of JSON, 50 MiB per uploaded file, 10,000 jobs', () => {
    const defaults = resolveAppOptions();
    expect(defaults.maxBodyBytes).toBe(MIB);
    expect(defaults.maxUploadBytes).toBe(50 * MIB);
    expect(defaults.maxJobs).toBe(10_000);
  });

  it('refuses a JSON body over 1 MiB with 413, announced or chunked; 1 MiB exactly is read', async () => {
    const headers = { 'content-type': 'application/json' };
    const over = jsonOfSize(MIB + 1);
    const error = await expect413(
      call<ErrorEnvelope>(emulator.url, '/v1/videos', { method: 'POST', headers, body: over }),
      null,
    );
    expect(error.code).toBe('request_too_large');
    expect(error.message).toContain('1048576 bytes');
    await expect413(
      call<ErrorEnvelope>(emulator.url, '/v1/videos', {
        method: 'POST',
        headers,
        body: chunked(over),
        duplex: 'half',
      } as RequestInit),
      null,
    );
    // At the limit the body is read and validated: the prompt is too long for the spec (a 400).
    const atLimit = await call<ErrorEnvelope>(emulator.url, '/v1/videos', {
      method: 'POST',
      headers,
      body: chunked(jsonOfSize(MIB)),
      duplex: 'half',
    } as RequestInit);
    expect(atLimit.status).toBe(400);
    expect(atLimit.body.error.param).toBe('prompt');
    // The emulator still answers.
    expect((await call(emulator.url, '/v1/videos', { method: 'POST', json: { prompt: 'p' } })).status).toBe(
      200,
    );
  });

  it('limits the JSON of the emulator endpoints too', async () => {
    const answer = await call<ErrorEnvelope>(emulator.url, '/_emulator/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `[${'{"kind":"latency"},'.repeat(MIB / 16)}{"kind":"latency"}]`,
    });
    expect(answer.status).toBe(413);
    expect(emulator.faults.list()).toEqual([]);
  });

  it('refuses an uploaded file over maxUploadBytes with 413 naming the field', async () => {
    const image = await makeImage('png', 720, 1280);
    const padded = new Uint8Array(UPLOAD_LIMIT + 1);
    padded.set(image); // a valid PNG header, then zeros past the limit
    const body = new FormData();
    body.append('prompt', 'p');
    body.append('input_reference', new Blob([padded]), 'big.png');
    const error = await expect413(
      call<ErrorEnvelope>(emulator.url, '/v1/videos', { method: 'POST', body }),
      'input_reference',
    );
    expect(error.code).toBe('file_too_large');
    expect(error.message).toContain(String(UPLOAD_LIMIT));

    const small = new FormData();
    small.append('prompt', 'p');
    small.append('input_reference', new Blob([image]), 'small.png');
    expect((await call(emulator.url, '/v1/videos', { method: 'POST', body: small })).status).toBe(200);
  });

  it('refuses a form larger than one upload plus 1 MiB of text with 413, before parsing it', async () => {
    const body = new FormData();
    body.append('prompt', 'p');
    body.append('name', 'n');
    body.append('video', new Blob([new Uint8Array(UPLOAD_LIMIT + MIB + 1)]), 'huge.mp4');
    await expect413(
      call<ErrorEnvelope>(emulator.url, '/v1/videos/characters', { method: 'POST', body }),
      null,
    );
  });

  it('refuses more than 1 MiB of text fields in a form with 413', async () => {
    const body = new FormData();
    body.append('prompt', 'p');
    for (let i = 0; i < 20; i++) body.append(`extra${i}`, 'y'.repeat(60 * 1024));
    await expect413(call<ErrorEnvelope>(emulator.url, '/v1/videos', { method: 'POST', body }), null);
  });

  it('refuses a model name over 256 characters, naming model', async () => {
    const ok = await call(emulator.url, '/v1/videos', {
      method: 'POST',
      json: { prompt: 'p', model: 'm'.repeat(256) },
    });
    expect(ok.status).toBe(200);
    const long = await call<ErrorEnvelope>(emulator.url, '/v1/videos', {
      method: 'POST',
      json: { prompt: 'p', model: 'm'.repeat(257) },
    });
    expect(long.status).toBe(400);
    expect(long.body.error.param).toBe('model');
    expect(long.body.error.code).toBe('string_above_max_length');
    expect(long.body.error.message).toMatch(/maximum length 256/);
  });
});
