import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffprobe, ffprobeFile, makeImage } from './media-tools.js';

describe('media tools', () => {
  it('makes real images of the asked size, which ffprobe reads back', async () => {
    for (const [format, extension, codec] of [
      ['png', 'png', 'png'],
      ['jpeg', 'jpg', 'mjpeg'],
      ['webp', 'webp', 'webp'],
      ['webp-lossless', 'webp', 'webp'],
    ] as const) {
      const image = await makeImage(format, 64, 48);
      expect(await ffprobe(image, extension), format).toMatchObject({
        codecName: codec,
        width: 64,
        height: 48,
      });
    }
  });

  it('refuses what is not media', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'media-tools-test-'));
    try {
      await writeFile(join(dir, 'text.mp4'), 'not a video');
      await expect(ffprobeFile(join(dir, 'text.mp4'))).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
