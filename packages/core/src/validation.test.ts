import { beforeEach, describe, expect, test } from 'vitest';
import {
  sizesForModel,
  ValidationError,
  validateCreateParams,
  validatePrompt,
  validateVariant,
  validateVideoId,
} from './index.js';
import { useEmulator } from './test-support/emulator.js';

const t = useEmulator();

/** Runs `call`, expects a ValidationError naming field, value and allowed values, and no request sent. */
async function rejects(call: () => unknown, field: string, value: RegExp, allowed: RegExp) {
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(ValidationError.isInstance(error)).toBe(true);
  const v = error as ValidationError;
  expect(v.field).toBe(field);
  expect(v.message).toContain(`'${field}'`);
  expect(v.message).toMatch(value);
  expect(v.message).toMatch(allowed);
  expect(t.emu.requests()).toEqual([]);
  return v;
}

describe('validation before any request', () => {
  beforeEach(() => t.emu.clearRequests());

  test('prompt: missing, empty, not a string, longer than 32000 code points', async () => {
    const v = t.client.videos;
    await rejects(() => v.create({} as never), 'prompt', /undefined/, /1 to 32000 characters/);
    await rejects(() => v.create({ prompt: '' }), 'prompt', /0 characters/, /1 to 32000/);
    await rejects(() => v.create({ prompt: 42 as never }), 'prompt', /42/, /a string/);
    const long = await rejects(
      () => v.create({ prompt: 'x'.repeat(32_001) }),
      'prompt',
      /32001 characters/,
      /32000/,
    );
    expect(long.message.length).toBeLessThan(200); // the prompt itself is not echoed
  });

  test('a prompt of whitespace only is refused like an empty one, by every call and validatePrompt', async () => {
    const v = t.client.videos;
    for (const prompt of [' ', '   \n\t ', '\u00a0\u3000']) {
      await rejects(() => v.create({ prompt }), 'prompt', /\d whitespace characters/, /not only whitespace/);
      await rejects(
        () => v.remix('video_1', { prompt }),
        'prompt',
        /\d whitespace characters/,
        /not only whitespace/,
      );
      await rejects(
        () => v.edit({ prompt, video: { id: 'video_1' } }),
        'prompt',
        /\d whitespace characters/,
        /not only whitespace/,
      );
      await rejects(
        () => validatePrompt(prompt),
        'prompt',
        /\d whitespace characters/,
        /not only whitespace/,
      );
      await rejects(
        () => validateCreateParams({ prompt }),
        'prompt',
        /\d whitespace characters/,
        /not only whitespace/,
      );
    }
    validatePrompt(' a tiger ');
  });

  test('prompt length counts code points, as the server does', async () => {
    // 32 000 emoji are 64 000 UTF-16 units but 32 000 characters: allowed (this one is sent).
    t.emu.faults.add({ kind: 'server-error', status: 503, shouldRetry: false, times: 1 });
    await expect(t.client.videos.create({ prompt: '🐯'.repeat(32_000) })).rejects.toMatchObject({
      status: 503,
    });
    t.emu.clearRequests();
    await rejects(() => t.client.videos.create({ prompt: '🐯'.repeat(32_001) }), 'prompt', /32001/, /32000/);
  });

  test('seconds is the string enum: 8, "5" and "8s" are refused', async () => {
    const v = t.client.videos;
    await rejects(() => v.create({ prompt: 'a', seconds: 8 as never }), 'seconds', /: 8\./, /'4', '8', '12'/);
    await rejects(() => v.create({ prompt: 'a', seconds: '5' as never }), 'seconds', /'5'/, /'4', '8', '12'/);
    await rejects(
      () => v.extend({ prompt: 'a', seconds: '8s' as never, video: { id: 'video_1' } }),
      'seconds',
      /'8s'/,
      /'12'/,
    );
  });

  test('extend needs seconds: the length of the new segment', async () => {
    await rejects(
      () => t.client.videos.extend({ prompt: 'a', video: { id: 'video_1' } } as never),
      'seconds',
      /undefined/,
      /'4', '8', '12'/,
    );
  });

  test('input_reference is a file, { image_url } or { file_id }: never both', async () => {
    const v = t.client.videos;
    const both = await rejects(
      () =>
        v.create({
          prompt: 'a',
          input_reference: { image_url: 'https://x/a.png', file_id: 'file-1' } as never,
        }),
      'input_reference',
      /'image_url' or 'file_id', not both/,
      /not both/,
    );
    expect(both.message).toBe("Invalid 'input_reference': send either 'image_url' or 'file_id', not both.");
    await rejects(
      () => v.create({ prompt: 'a', input_reference: 'cat.png' as never }),
      'input_reference',
      /'cat.png'/,
      /image file/,
    );
    await rejects(
      () => v.create({ prompt: 'a', input_reference: { url: 'https://x/a.png' } as never }),
      'input_reference',
      /object/,
      /\{ image_url \} or \{ file_id \}/,
    );
    await rejects(
      () => v.create({ prompt: 'a', input_reference: { file_id: '' } }),
      'input_reference.file_id',
      /''/,
      /non-empty string/,
    );
  });

  test('size is one of the four', async () => {
    await rejects(
      () => t.client.videos.create({ prompt: 'a', size: '1920x1080' as never }),
      'size',
      /'1920x1080'/,
      /'720x1280', '1280x720', '1024x1792', '1792x1024'/,
    );
  });

  test('the 1792 sizes need sora-2-pro: for sora-2, its dated names, and the default model', async () => {
    const v = t.client.videos;
    for (const model of ['sora-2', 'sora-2-2025-10-06', 'sora-2-2025-12-08', undefined]) {
      for (const size of ['1792x1024', '1024x1792'] as const) {
        const e = await rejects(
          () => v.create({ prompt: 'a', size, model }),
          'size',
          new RegExp(size),
          /sora-2-pro/,
        );
        expect(e.message).toContain(`'sora-2`);
      }
    }
  });

  test('the 1792 sizes pass with pro models and unknown model names (a gateway may have its own)', async () => {
    for (const model of ['sora-2-pro', 'sora-2-pro-2025-10-06', 'my-gateway-model']) {
      t.emu.faults.add({ kind: 'server-error', status: 503, shouldRetry: false });
      await expect(t.client.videos.create({ prompt: 'a', size: '1792x1024', model })).rejects.toMatchObject({
        status: 503,
      });
    }
    expect(t.emu.requests()).toHaveLength(3);
  });

  test('model must be a non-empty string', async () => {
    await rejects(() => t.client.videos.create({ prompt: 'a', model: '' }), 'model', /''/, /model name/);
  });

  test('list: limit 0-100 and an integer, order asc/desc, after an id', async () => {
    const v = t.client.videos;
    await rejects(() => v.list({ limit: -1 }), 'limit', /: -1\./, /0 to 100/);
    await rejects(() => v.list({ limit: 101 }), 'limit', /101/, /0 to 100/);
    await rejects(() => v.list({ limit: 2.5 }), 'limit', /2\.5/, /integer/);
    await rejects(() => v.list({ order: 'newest' as never }), 'order', /'newest'/, /'asc', 'desc'/);
    await rejects(() => v.list({ after: '../x' }), 'after', /'\.\.\/x'/, /letters, digits/);
  });

  test('video ids cannot smuggle /, ?, .. or . into the path', async () => {
    const v = t.client.videos;
    const bad = [
      '../../v1/videos',
      'video_1/content',
      'video_1?variant=x',
      '..',
      '.',
      'a..b',
      '',
      'x'.repeat(257),
      'a b',
      'a#b',
      'a%2F',
    ];
    for (const id of bad) {
      await rejects(() => v.retrieve(id), 'video_id', /'|: /, /letters, digits/);
      await rejects(() => v.downloadContent(id), 'video_id', /'|: /, /letters, digits/);
      await rejects(() => v.delete(id), 'video_id', /'|: /, /letters, digits/);
      await rejects(() => v.poll(id), 'video_id', /'|: /, /letters, digits/);
      await rejects(() => v.remix(id, { prompt: 'a' }), 'video_id', /'|: /, /letters, digits/);
    }
    await rejects(() => v.retrieve(7 as never), 'video_id', /7/, /letters, digits/);
    await rejects(() => v.getCharacter('char/1'), 'character_id', /'char\/1'/, /letters, digits/);
    await rejects(() => v.edit({ prompt: 'a', video: { id: '../x' } }), 'video.id', /'\.\.\/x'/, /letters/);
  });

  test('download variant, character name and file', async () => {
    const v = t.client.videos;
    await rejects(
      () => v.downloadContent('video_1', { variant: 'gif' as never }),
      'variant',
      /'gif'/,
      /'video', 'thumbnail', 'spritesheet'/,
    );
    await rejects(
      () => v.createCharacter({ name: 'x'.repeat(81), video: new Blob(['x']) }),
      'name',
      /81 characters/,
      /1 to 80/,
    );
    await rejects(
      () => v.createCharacter({ name: 'Whiskers', video: 'clip.mp4' as never }),
      'video',
      /'clip.mp4'/,
      /MP4 file/,
    );
  });
});

/** The message a call throws, or null when it passes. */
const messageOf = async (call: () => unknown) => {
  try {
    await call();
    return null;
  } catch (error) {
    return ValidationError.isInstance(error) ? error.message : `not a ValidationError: ${error}`;
  }
};

describe('exported validators', () => {
  test('throw exactly what the client throws, and pass what it sends', async () => {
    t.emu.clearRequests();
    const v = t.client.videos;
    const bad = [
      { prompt: '' },
      { prompt: 'a', seconds: '5' },
      { prompt: 'a', size: '1920x1080' },
      { prompt: 'a', size: '1792x1024' },
      { prompt: 'a', size: '1024x1792', model: 'sora-2-2025-12-08' },
      { prompt: 'a', input_reference: { image_url: 'https://x/a.png', file_id: 'file-1' } },
    ];
    for (const params of bad) {
      const fromValidator = await messageOf(() => validateCreateParams(params));
      expect(fromValidator).toMatch(/^Invalid /);
      expect(await messageOf(() => v.create(params as never))).toBe(fromValidator);
    }
    expect(
      await messageOf(() => validateCreateParams({ prompt: 'a', size: '1792x1024', model: 'sora-2-pro' })),
    ).toBe(null);
    expect(await messageOf(() => validateVideoId('../admin'))).toBe(
      await messageOf(() => v.retrieve('../admin')),
    );
    expect(await messageOf(() => validateVideoId('video_1'))).toBe(null);
    expect(await messageOf(() => validatePrompt(''))).toBe(
      await messageOf(() => v.remix('video_1', { prompt: '' })),
    );
    expect(await messageOf(() => validateVariant('gif'))).toBe(
      await messageOf(() => v.downloadContent('video_1', { variant: 'gif' as never })),
    );
    expect(t.emu.requests()).toEqual([]);
  });
});

describe('sizesForModel', () => {
  const ALL = ['720x1280', '1280x720', '1024x1792', '1792x1024'];

  test('answers exactly the sizes create accepts with that model, the default first', async () => {
    const models = ['sora-2', 'sora-2-2025-10-06', 'sora-2-pro', 'sora-2-pro-2025-10-06', 'my-gateway-model'];
    for (const model of [...models, undefined]) {
      const sizes = sizesForModel(model);
      expect(sizes[0]).toBe('720x1280');
      for (const size of ALL) {
        const refused = await messageOf(() => validateCreateParams({ prompt: 'a', size, model }));
        expect(refused === null, `${model} ${size}`).toBe(sizes.includes(size as never));
      }
    }
    expect(sizesForModel('sora-2')).toEqual(ALL.slice(0, 2));
    expect(sizesForModel('sora-2-pro')).toEqual(ALL);
  });
});
