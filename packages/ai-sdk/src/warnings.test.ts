import { APICallError, InvalidArgumentError } from '@ai-sdk/provider';
import { createSoraClient } from '@sora-kit/core';
import { makeImage } from '@sora-kit/test-support/media';
import { experimental_startVideo as startVideo } from 'ai';
import { beforeEach, describe, expect, test } from 'vitest';
import { KEY, useEmulator } from './test-support/emulator.js';

// Each mapping of the AI SDK's options to Sora's, through the real `experimental_startVideo`: the warnings
// it returns, and what the emulator (which validates every request against the spec) actually made.
const t = useEmulator({ jobSeconds: 0.3 });

type StartArgs = Omit<Parameters<typeof startVideo>[0], 'model' | 'prompt'> & { prompt?: string };

async function start(modelId: string, args: StartArgs = {}) {
  const result = await startVideo({ model: t.sora.video(modelId), prompt: 'a fox in the snow', ...args });
  return { warnings: result.warnings, job: result.providerMetadata?.sora as Record<string, unknown> };
}

/** The call fails before any request: no create reached the emulator. */
async function refused(modelId: string, args: StartArgs) {
  t.emu.clearRequests();
  const error = await start(modelId, args).catch((e: unknown) => e);
  expect(t.emu.requests()).toEqual([]);
  return error;
}

beforeEach(() => t.emu.clearRequests());

describe('resolution and aspectRatio to the nearest size the model renders', () => {
  test.each([
    ['sora-2', '1280x720', '1280x720', false],
    ['sora-2', '720x1280', '720x1280', false],
    ['sora-2', '1920x1080', '1280x720', true],
    ['sora-2', '1080x1920', '720x1280', true],
    ['sora-2', '1792x1024', '1280x720', true], // a pro size on sora-2
    ['sora-2-pro', '1792x1024', '1792x1024', false],
    ['sora-2-pro', '1920x1080', '1792x1024', true], // nearly the same shape, closer in pixels
    ['sora-2-pro', '640x360', '1280x720', true],
    ['sora-2', '1024x1024', '720x1280', true], // a tie goes to the server's default
  ])('%s, resolution %s → %s', async (model, resolution, size, warned) => {
    const { warnings, job } = await start(model, { resolution: resolution as `${number}x${number}` });
    expect(job.size).toBe(size);
    expect(warnings).toEqual(
      warned
        ? [
            {
              type: 'unsupported',
              feature: 'resolution',
              details: expect.stringContaining(`used ${size}, the nearest to ${resolution}`),
            },
          ]
        : [],
    );
  });

  test.each([
    ['sora-2', '16:9', '1280x720', false],
    ['sora-2', '9:16', '720x1280', false],
    ['sora-2', '4:3', '1280x720', true],
    ['sora-2', '1:1', '720x1280', true],
    ['sora-2-pro', '7:4', '1792x1024', false],
    ['sora-2-pro', '4:7', '1024x1792', false],
    ['sora-2-pro', '21:9', '1280x720', true], // 16:9 is nearer than 7:4
  ])('%s, aspectRatio %s → %s', async (model, aspectRatio, size, warned) => {
    const { warnings, job } = await start(model, { aspectRatio: aspectRatio as `${number}:${number}` });
    expect(job.size).toBe(size);
    expect(warnings.map((w) => w.type === 'unsupported' && w.feature)).toEqual(warned ? ['aspectRatio'] : []);
    if (warned) expect(JSON.stringify(warnings)).toContain(`used ${size}, the nearest to ${aspectRatio}`);
  });

  test('resolution wins over an aspectRatio that disagrees, with a warning', async () => {
    const { warnings, job } = await start('sora-2', { resolution: '1280x720', aspectRatio: '9:16' });
    expect(job.size).toBe('1280x720');
    expect(warnings).toEqual([
      { type: 'unsupported', feature: 'aspectRatio', details: expect.stringContaining('resolution decides') },
    ]);
  });

  test('no resolution and no aspectRatio: the server’s default, no warning', async () => {
    const { warnings, job } = await start('sora-2');
    expect(warnings).toEqual([]);
    expect(job.size).toBe('720x1280');
  });

  test('a malformed resolution is refused before any request, naming the field', async () => {
    const error = await refused('sora-2', { resolution: 'big' as `${number}x${number}` });
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('resolution');
  });
});

describe('duration to 4, 8 or 12 seconds', () => {
  test.each([
    [4, '4', false],
    [8, '8', false],
    [12, '12', false],
    [5, '4', true],
    [6, '8', true], // a tie goes to the longer
    [10, '12', true],
    [30, '12', true],
    [0.5, '4', true],
  ])('%s s → %s', async (duration, seconds, warned) => {
    const { warnings, job } = await start('sora-2', { duration });
    expect(job.seconds).toBe(seconds);
    expect(warnings).toEqual(
      warned
        ? [
            {
              type: 'unsupported',
              feature: 'duration',
              details: `Sora renders 4, 8 or 12 seconds; used ${seconds}, the nearest to ${duration}.`,
            },
          ]
        : [],
    );
  });

  test.each([0, -4, Number.NaN, Number.POSITIVE_INFINITY])(
    '%s is refused before any request',
    async (duration) => {
      const error = await refused('sora-2', { duration });
      expect((error as InvalidArgumentError).argument).toBe('duration');
      expect((error as Error).message).toContain('4, 8 or 12');
    },
  );
});

describe('what Sora cannot do: unsupported warnings, and the job still starts', () => {
  test.each([
    ['seed', { seed: 42 }],
    ['fps', { fps: 30 }],
    ['generateAudio', { generateAudio: true }],
    ['generateAudio', { generateAudio: false }],
    ['inputReferences', { inputReferences: ['https://example.com/ref.png'] }],
  ] as const)('%s', async (feature, args) => {
    const { warnings, job } = await start('sora-2', args as StartArgs);
    expect(warnings).toEqual([{ type: 'unsupported', feature, details: expect.any(String) }]);
    expect(job.status).toBe('queued');
    expect(t.creates()).toHaveLength(1);
  });

  test('n > 1 in one call (maxVideosPerCall raised): one video, with a warning', async () => {
    const { warnings } = await start('sora-2', { n: 2, maxVideosPerCall: 2 });
    expect(warnings).toEqual([
      { type: 'unsupported', feature: 'n', details: 'Sora makes one video per job; 1 was made, not 2.' },
    ]);
    expect(t.creates()).toHaveLength(1);
  });

  test('a last-frame image is ignored with a warning; the first frame is used', async () => {
    const first = await makeImage('png', 720, 1280);
    const last = await makeImage('png', 720, 1280);
    const { warnings, job } = await start('sora-2', {
      frameImages: [
        { image: first, frameType: 'first_frame' },
        { image: last, frameType: 'last_frame' },
      ],
    });
    expect(warnings).toEqual([{ type: 'unsupported', feature: 'frameImages', details: expect.any(String) }]);
    expect(job.size).toBe('720x1280');
  });

  test('webhookUrl given to startVideo: warned, since the API takes none per job', async () => {
    const { warnings } = await start('sora-2', { webhookUrl: 'https://example.com/hook' });
    expect(warnings).toEqual([
      {
        type: 'unsupported',
        feature: 'webhookUrl',
        details: expect.stringContaining('configure the endpoint'),
      },
    ]);
  });
});

describe('a first-frame image becomes input_reference, and must be the video’s size', () => {
  test.each(['png', 'jpeg', 'webp'] as const)(
    'a %s of the right size is uploaded (the emulator checks it)',
    async (format) => {
      const image = await makeImage(format, 1280, 720);
      const { warnings, job } = await start('sora-2', {
        prompt: { image, text: 'animate this' } as never,
        resolution: '1280x720',
      });
      expect(warnings).toEqual([]);
      expect(job).toMatchObject({ size: '1280x720', status: 'queued' });
    },
  );

  test('without a resolution, the image’s size is the video’s', async () => {
    const image = await makeImage('png', 1280, 720);
    const { job } = await start('sora-2', { prompt: { image, text: 'animate this' } as never });
    expect(job.size).toBe('1280x720');
  });

  test("aspectRatio 'adaptive' takes the image’s size too; without an image it warns", async () => {
    const image = await makeImage('png', 1792, 1024);
    const pro = await start('sora-2-pro', {
      prompt: { image, text: 'wide' } as never,
      aspectRatio: 'adaptive',
    });
    expect(pro.job.size).toBe('1792x1024');
    const none = await start('sora-2', { aspectRatio: 'adaptive' });
    expect(none.warnings).toEqual([
      { type: 'unsupported', feature: 'aspectRatio', details: expect.any(String) },
    ]);
  });

  test('an image of another size than the video’s is a clear error, not a silent crop', async () => {
    const image = await makeImage('png', 720, 1280);
    const error = await refused('sora-2', { prompt: { image, text: 'x' } as never, resolution: '1280x720' });
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('image');
    expect((error as Error).message).toBe(
      "The first-frame image is 720x1280, but the video is 1280x720: Sora needs the image to be exactly the video's size. Resize or crop it to 1280x720 first.",
    );
  });

  test('an image of no size the model renders is a clear error naming the sizes', async () => {
    const image = await makeImage('jpeg', 1000, 1000);
    const error = await refused('sora-2', { prompt: { image, text: 'x' } as never });
    expect((error as Error).message).toContain('The first-frame image is 1000x1000');
    expect((error as Error).message).toContain('720x1280, 1280x720');
    const pro = await makeImage('png', 1792, 1024);
    const onSora2 = await refused('sora-2', { prompt: { image: pro, text: 'x' } as never });
    expect((onSora2 as Error).message).toContain('sora-2 needs an image of exactly');
  });

  test('bytes that are no PNG, JPEG or WebP are refused', async () => {
    const gif = new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;');
    const error = await refused('sora-2', { prompt: { image: gif, text: 'x' } as never });
    expect((error as InvalidArgumentError).argument).toBe('image');
    expect((error as Error).message).toContain('Allowed: a PNG, JPEG or WebP image');
  });

  test('a text-free prompt is refused: Sora needs words', async () => {
    const image = await makeImage('png', 720, 1280);
    const error = await refused('sora-2', { prompt: { image } as never });
    expect((error as InvalidArgumentError).argument).toBe('prompt');
  });
});

describe('providerOptions.sora', () => {
  test('an unknown option is refused before any request, naming it and the known ones', async () => {
    const error = await refused('sora-2', { providerOptions: { sora: { remix: 'video_1' } } });
    expect((error as InvalidArgumentError).argument).toBe('providerOptions.sora.remix');
    expect((error as Error).message).toContain(
      'known: remixOf, extend, edit, characters, variant, download, poll',
    );
  });

  test.each([
    [{ remixOf: 'video_a', edit: 'video_b' }, 'providerOptions.sora'],
    [{ variant: 'gif' }, 'providerOptions.sora.variant'],
    [{ download: 'stream' }, 'providerOptions.sora.download'],
    [{ poll: { waitMs: -1 } }, 'providerOptions.sora.poll.waitMs'],
    [{ poll: { every: 5 } }, 'providerOptions.sora.poll.every'],
    [{ characters: 'char_1' }, 'providerOptions.sora.characters'],
  ])('%j is refused naming %s', async (sora, argument) => {
    const error = await refused('sora-2', { providerOptions: { sora } as never });
    expect((error as InvalidArgumentError).argument).toBe(argument);
  });

  test('remixOf, edit and extend start from a completed video; shape options are warned about', async () => {
    const model = t.sora.video('sora-2');
    const source = await startVideo({ model, prompt: 'the source', resolution: '1280x720', duration: 8 });
    const sourceId = (source.operation as { id: string }).id;
    await t.sora.video('sora-2').doStatus?.({ operation: { id: sourceId, poll: { waitMs: 20_000 } } });

    const remix = await start('sora-2', {
      prompt: 'the same, at night',
      resolution: '720x1280',
      providerOptions: { sora: { remixOf: sourceId } },
    });
    expect(remix.job).toMatchObject({ remixedFromVideoId: sourceId, size: '1280x720', seconds: '8' });
    expect(remix.warnings).toEqual([
      { type: 'unsupported', feature: 'resolution', details: expect.stringContaining('remix') },
    ]);

    const edit = await start('sora-2', {
      prompt: 'add snow',
      duration: 4,
      providerOptions: { sora: { edit: sourceId } },
    });
    expect(edit.job.status).toBe('queued');
    expect(edit.warnings).toEqual([
      { type: 'unsupported', feature: 'duration', details: expect.stringContaining('edit') },
    ]);

    const extend = await start('sora-2', {
      prompt: 'and then',
      duration: 12,
      providerOptions: { sora: { extend: sourceId } },
    });
    expect(extend.warnings).toEqual([]);
    // `seconds` of an extension is the stitched total: the 8 s source plus 12.
    expect(extend.job.seconds).toBe('20');
    const paths = t.emu
      .requests()
      .filter((r) => r.method === 'POST')
      .map((r) => r.path);
    expect(paths).toEqual([
      '/v1/videos',
      `/v1/videos/${sourceId}/remix`,
      '/v1/videos/edits',
      '/v1/videos/extensions',
    ]);
  });

  test('characters are looked up before the paid request, and named in the metadata', async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: t.emu.url });
    const clip = await client.videos.createAndPoll({ prompt: 'Whiskers the cat' }, { minIntervalMs: 50 });
    const mp4 = await (await client.videos.downloadContent(clip.id)).blob();
    const whiskers = await client.videos.createCharacter({ name: 'Whiskers', video: mp4 });
    t.emu.clearRequests();

    const named = await start('sora-2', {
      prompt: 'whiskers chases a mouse',
      providerOptions: { sora: { characters: [whiskers.id] } },
    });
    expect(named.warnings).toEqual([]);
    expect(named.job.characters).toEqual([{ id: whiskers.id, name: 'Whiskers' }]);
    expect(t.emu.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/videos/characters/${whiskers.id}`,
      'POST /v1/videos',
    ]);

    const unnamed = await start('sora-2', {
      prompt: 'a dog',
      providerOptions: { sora: { characters: [whiskers.id] } },
    });
    expect(unnamed.warnings).toEqual([
      { type: 'other', message: expect.stringContaining("called 'Whiskers'") },
    ]);

    t.emu.clearRequests();
    const missing = await start('sora-2', { providerOptions: { sora: { characters: ['char_0000'] } } }).catch(
      (e: unknown) => e,
    );
    expect(missing).toMatchObject({ statusCode: 404 });
    expect(t.creates()).toEqual([]); // nothing paid for
  });

  test('a remix of a job that is not completed fails as the server says (400, not retried)', async () => {
    const { operation } = await startVideo({ model: t.sora.video('sora-2'), prompt: 'still running' });
    const error = await start('sora-2', {
      providerOptions: { sora: { remixOf: (operation as { id: string }).id } },
    }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 400, isRetryable: false });
  });
});
