import {
  APIConnectionError,
  APIUserAbortError,
  BadRequestError,
  createSoraClient,
  NotFoundError,
  PollTimeoutError,
  RateLimitError,
  ValidationError,
  type Video,
  VideoFailedError,
} from '@sora-kit/core';
import { describe, expect, test } from 'vitest';
import { describeError, describeFailure } from '../src/index.js';
import { emulatorForFile, KEY } from './support.js';

const f = emulatorForFile({ jobSeconds: 1 });
const job = (over: Partial<Video>): Video =>
  ({ id: 'video_1', object: 'video', status: 'failed', progress: 50, ...over }) as Video;

describe('describeError', () => {
  test('a blank prompt, refused by core before any request: at the prompt, in plain words', async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: f.emu.url });
    const error = await client.videos.create({ prompt: ' \n\t ' }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(describeError(error)).toEqual({
      field: 'prompt',
      message: 'Describe the video first: the prompt is empty.',
      details: expect.stringMatching(/^ValidationError: Invalid value for 'prompt'.*whitespace/),
    });
  });

  test('another refused field: its label and what is allowed, no quotes of the field name', async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: f.emu.url });
    const error = await client.videos.create({ prompt: 'x', seconds: '5' as '4' }).catch((e) => e);
    const described = describeError(error);
    expect(described?.field).toBe('seconds');
    expect(described?.message).toMatch(/^The length must be .*'4'.*'8'.*'12'.*\.$/);
  });

  test("a first frame of the wrong size, refused by the server: at input_reference, without '400'", async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: f.emu.url, maxRetries: 0 });
    // A 2x1 PNG: its header is all the emulator reads of it.
    const png = Uint8Array.from(
      atob(
        'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR4nGP4z8DAwMDAwMAAAA0AAQ5Z6ZkAAAAASUVORK5CYII=',
      ),
      (c) => c.charCodeAt(0),
    );
    const image = new File([png], 'frame.png', { type: 'image/png' });
    const error = await client.videos
      .create({ prompt: 'x', size: '720x1280', input_reference: image })
      .catch((e) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    const described = describeError(error);
    expect(described).toEqual({
      field: 'input_reference',
      message: "The first frame must be exactly the video's size, 720x1280; this image is 2x1.",
      details: expect.stringContaining("BadRequestError: 400 Invalid 'input_reference'"),
    });
    expect(described?.message).not.toMatch(/400|Invalid/);
  });

  test('a job that failed says why: moderation, expiry, the service', async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: f.emu.url });
    const error = await client.videos
      .createAndPoll({ prompt: 'a farmyard [moderation-block]' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(VideoFailedError);
    expect(describeError(error)).toMatchObject({
      field: undefined,
      message: expect.stringMatching(/moderation/),
    });
    expect(describeFailure(job({ status: 'expired' }))).toMatch(/expired/);
    expect(describeFailure(job({ error: { code: 'internal_error', message: 'the renderer crashed' } }))).toBe(
      'The video service could not make this video. It said: The renderer crashed.',
    );
    expect(describeError(new VideoFailedError(job({ status: 'expired' })))?.message).toMatch(/expired/);
  });

  test('errors of the whole request: plain words, no status code, the full text kept in details', () => {
    const headers = new Headers();
    const cases = [
      new RateLimitError(429, { error: { message: 'Slow down' } }, undefined, headers),
      new NotFoundError(404, { error: { message: 'No such video' } }, undefined, headers),
      new APIConnectionError(),
      new PollTimeoutError(job({ status: 'in_progress' }), 1000),
    ];
    for (const error of cases) {
      const described = describeError(error);
      expect(described?.field).toBeUndefined();
      expect(described?.message).not.toMatch(/^\d{3}|Error/);
      expect(described?.details).toBe(`${error.name}: ${error.message}`);
    }
  });

  test('no error and a cancel give nothing to show; anything else its own message', () => {
    expect(describeError(undefined)).toBeUndefined();
    expect(describeError(new APIUserAbortError())).toBeUndefined();
    expect(describeError(new Error('boom'))).toEqual({
      field: undefined,
      message: 'Boom.',
      details: 'Error: boom',
    });
    expect(describeError('odd')?.message).toBe('Odd.');
  });
});
