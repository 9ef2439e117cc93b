/**
 * Real media tools for tests: ffprobe to check that what the emulator serves, and what the packages save or
 * return, is a real video of the asked size and length; ffmpeg to make test images. No stand-ins: Debian's
 * ffmpeg package is installed by `.ci/run`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sora-kit-media-test-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What ffprobe says about a media file (its first video stream). */
export interface ProbeResult {
  formatName: string;
  codecName: string;
  width: number;
  height: number;
  durationSeconds: number;
}

/** Runs ffprobe on a file. */
export async function ffprobeFile(file: string): Promise<ProbeResult> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    file,
  ]);
  const probe = JSON.parse(stdout) as {
    format: { format_name: string; duration?: string };
    streams: { codec_type: string; codec_name: string; width: number; height: number; duration?: string }[];
  };
  const stream = probe.streams.find((s) => s.codec_type === 'video');
  if (!stream) throw new Error('ffprobe found no video stream');
  return {
    formatName: probe.format.format_name,
    codecName: stream.codec_name,
    width: stream.width,
    height: stream.height,
    durationSeconds: Number(probe.format.duration ?? stream.duration ?? Number.NaN),
  };
}

/** Runs ffprobe on `bytes`, written to a temporary file named with `extension` (default `mp4`). */
export function ffprobe(bytes: Uint8Array, extension = 'mp4'): Promise<ProbeResult> {
  return withTempDir(async (dir) => {
    const file = join(dir, `media.${extension}`);
    await writeFile(file, bytes);
    return ffprobeFile(file);
  });
}

/** The image formats tests make: WebP in its three forms (lossy VP8, lossless VP8L, extended VP8X). */
export type TestImageFormat = 'png' | 'jpeg' | 'webp' | 'webp-lossless' | 'webp-alpha';

/** A real image of `width` x `height` made by ffmpeg, in `format`. */
export function makeImage(
  format: TestImageFormat,
  width: number,
  height: number,
): Promise<Uint8Array<ArrayBuffer>> {
  return withTempDir(async (dir) => {
    const extension = format.startsWith('webp') ? 'webp' : format === 'jpeg' ? 'jpg' : 'png';
    const file = join(dir, `image.${extension}`);
    // A translucent colour makes libwebp write the extended (VP8X) form, with an alpha chunk.
    const source =
      format === 'webp-alpha'
        ? `color=c=orange@0.5:s=${width}x${height},format=rgba`
        : `color=c=orange:s=${width}x${height}`;
    const codec =
      format === 'webp-alpha'
        ? ['-c:v', 'libwebp', '-pix_fmt', 'yuva420p']
        : format === 'webp-lossless'
          ? ['-c:v', 'libwebp', '-lossless', '1']
          : [];
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', source, '-frames:v', '1', ...codec, file]);
    return new Uint8Array(await readFile(file));
  });
}
