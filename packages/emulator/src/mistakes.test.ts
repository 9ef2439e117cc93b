/**
 * The shared table of client mistakes (`@sora-kit/test-support/mistakes`): the emulator answers each with
 * the status, code and param the table says, in an envelope that validates against the spec. The
 * server's tests hold the key-holding handler to the same table, so both say the same thing.
 */
import { MISTAKES, mistakeRequest } from '@sora-kit/test-support/mistakes';
import { loadSpecAnswers } from '@sora-kit/test-support/spec-answers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from './index.js';
import { createVideo, TEST_KEY, waitForStatus } from './test-support/http.js';

const spec = loadSpecAnswers();
let emulator: RunningEmulator;
let video: string;
beforeAll(async () => {
  emulator = await startEmulator({ jobSeconds: 0.2 });
  video = (await createVideo(emulator.url)).id;
  await waitForStatus(emulator.url, video, 'completed');
});
afterAll(() => emulator.close());

describe('the shared table of mistakes', () => {
  test.each(MISTAKES.map((m) => [m.name, m] as const))('%s', async (_name, mistake) => {
    const [url, init] = mistakeRequest(mistake, emulator.url, video, { authorization: `Bearer ${TEST_KEY}` });
    const response = await fetch(url, init);
    const body = await response.json();
    expect({ status: response.status, code: body.error?.code, param: body.error?.param }).toEqual({
      status: mistake.status,
      code: mistake.code,
      param: mistake.param,
    });
    const answer = { status: response.status, contentType: response.headers.get('content-type'), body };
    expect(spec.problems(mistake.method, new URL(url).pathname, answer)).toEqual([]);
  });
});
