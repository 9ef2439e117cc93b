/**
 * `--input-reference FILE` (and a batch line's `input_reference`): checked before any request — the
 * file exists, is a JPEG, PNG or WebP image, and has the dimensions of the video's size, as the API
 * demands — then read into a `File` that core sends as multipart.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from './cli-error.js';

/** What an image's header says. */
export interface ImageInfo {
  type: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

/** The size a job renders when none is given (the API's default). */
export const DEFAULT_SIZE = '720x1280';

const be16 = (b: Buffer, at: number) => (at + 2 <= b.length ? b.readUInt16BE(at) : 0);
const le24 = (b: Buffer, at: number) => (at + 3 <= b.length ? b.readUIntLE(at, 3) : 0);

/** Type and dimensions from the first bytes of a PNG, JPEG or WebP file; null for anything else. */
export function readImageInfo(b: Buffer): ImageInfo | null {
  // PNG: signature, then the IHDR chunk with width and height.
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') {
    return { type: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  // JPEG: walk the segments to the first start-of-frame (SOF0-SOF15 but DHT C4, JPG C8, DAC CC).
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let at = 2;
    while (at + 9 < b.length && b[at] === 0xff) {
      const marker = b[at + 1] ?? 0;
      if (marker === 0xff) {
        at += 1;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { type: 'image/jpeg', height: be16(b, at + 5), width: be16(b, at + 7) };
      }
      at += 2 + be16(b, at + 2);
    }
    return null;
  }
  // WebP: RIFF....WEBP, then a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk.
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = b.toString('latin1', 12, 16);
    if (chunk === 'VP8 ')
      return { type: 'image/webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = b.readUInt32LE(21);
      return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8X') return { type: 'image/webp', width: le24(b, 24) + 1, height: le24(b, 27) + 1 };
  }
  return null;
}

/**
 * Checks the image at `path` for a video of `size` (default 720x1280) and answers it as a `File`.
 * `field` names the input in messages (`--input-reference`, or `line 3: input_reference`).
 */
export async function loadInputReference(
  path: string,
  size: string | undefined,
  field = '--input-reference',
): Promise<File> {
  const info = await checkInputReference(path, size, field);
  return new File([await readFile(path)], basename(path), { type: info.type });
}

/** The checks of {@link loadInputReference}, without reading the whole file. */
export async function checkInputReference(
  path: string,
  size: string | undefined,
  field = '--input-reference',
): Promise<ImageInfo> {
  const wanted = size ?? DEFAULT_SIZE;
  const stats = await stat(path).catch(() => undefined);
  if (!stats?.isFile()) {
    throw new UsageError(
      `Invalid value for '${field}': '${path}' ${stats ? 'is not a file' : 'does not exist'}. Allowed: a JPEG, PNG or WebP image of ${wanted}.`,
    );
  }
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(Math.min(stats.size, 256 * 1024));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const info = readImageInfo(head);
  if (!info) {
    throw new UsageError(
      `Invalid value for '${field}': '${path}' is not a JPEG, PNG or WebP image. Allowed: a JPEG, PNG or WebP image of ${wanted}.`,
    );
  }
  if (`${info.width}x${info.height}` !== wanted) {
    throw new UsageError(
      `Invalid value for '${field}': '${path}' is ${info.width}x${info.height}. Allowed: an image of exactly the video's size, ${wanted}${size ? '' : ' (the default; choose another with --size)'}.`,
    );
  }
  return info;
}
