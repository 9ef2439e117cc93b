/**
 * What the emulator answers is what the spec says a server answers: every `Video` it sends — OpenAI
 * status names or the gateway names of the `gateway-status` fault, a new job or an extension's stitched
 * total — validates against the spec's own `Video` schema, and the spec lists the gateway names the
 * emulator sends. A spec that closes `VideoStatus` or `Video.seconds` again fails here.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument } from './generated/document.js';
import type { Video, VideoList } from './generated/openapi.js';
import { FAULT_HEADER, GATEWAY_STATUS_NAMES, type RunningEmulator, startEmulator } from './index.js';
import { call, createVideo, waitForStatus } from './test-support/http.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(openapiDocument, 'spec');
const validVideo = ajv.compile({ $ref: 'spec#/components/schemas/Video' });

function expectSpecVideo(video: unknown): void {
  const valid = validVideo(video);
  expect(valid, `${JSON.stringify(video)}\n${ajv.errorsText(validVideo.errors)}`).toBe(true);
}

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ jobSeconds: 0.3 });
});
afterAll(() => emulator.close());

describe('answers validate against the spec', () => {
  it('Video with OpenAI and gateway status names, at every stage', async () => {
    const created = await createVideo(emulator.url);
    expectSpecVideo(created);
    const gateway = { headers: { [FAULT_HEADER]: 'gateway-status' } };
    const running = await call<Video>(emulator.url, `/v1/videos/${created.id}`, gateway);
    // `NOT_START` or `processing`, depending on how loaded the machine is.
    expect(['NOT_START', 'processing']).toContain(running.body.status);
    expectSpecVideo(running.body);
    await waitForStatus(emulator.url, created.id, 'completed');
    const done = await call<Video>(emulator.url, `/v1/videos/${created.id}`, gateway);
    expect(done.body.status).toBe('COMPLETED');
    expectSpecVideo(done.body);
    const list = await call<VideoList>(emulator.url, '/v1/videos?limit=100', gateway);
    for (const video of list.body.data) expectSpecVideo(video);
  });

  it('Video of an extension, whose seconds is the stitched total outside the create enum', async () => {
    const source = await createVideo(emulator.url, { seconds: '12' });
    await waitForStatus(emulator.url, source.id, 'completed');
    const extension = await call<Video>(emulator.url, '/v1/videos/extensions', {
      method: 'POST',
      json: { prompt: 'on', seconds: '12', video: { id: source.id } },
    });
    expect(extension.body.seconds).toBe('24');
    expectSpecVideo(extension.body);
  });

  it("the spec's VideoStatus lists every gateway name the emulator sends", () => {
    const schemas = (openapiDocument.components as { schemas: Record<string, { anyOf?: unknown[] }> })
      .schemas;
    const open = (schemas.VideoStatus?.anyOf ?? []).find((branch): branch is { examples: string[] } =>
      Array.isArray((branch as { examples?: unknown }).examples),
    );
    expect(open, 'VideoStatus has an open string branch with examples').toBeDefined();
    for (const name of Object.values(GATEWAY_STATUS_NAMES)) expect(open?.examples).toContain(name);
    expect(validVideo({ ...exampleVideo(), status: 'processing' })).toBe(true);
  });

  it('keeps the create parameter closed: "16" is a stitched total, never a request', () => {
    const validCreate = ajv.compile({ $ref: 'spec#/components/schemas/CreateVideoBody' });
    expect(validCreate({ prompt: 'p', seconds: '12' })).toBe(true);
    expect(validCreate({ prompt: 'p', seconds: '16' })).toBe(false);
    expect(validVideo({ ...exampleVideo(), seconds: '16' })).toBe(true);
    expect(validVideo({ ...exampleVideo(), seconds: 16 })).toBe(false);
  });
});

function exampleVideo(): Video {
  return {
    id: 'video_1',
    object: 'video',
    created_at: 1,
    status: 'queued',
    progress: 0,
    model: 'sora-2',
    seconds: '4',
    size: '720x1280',
  };
}
