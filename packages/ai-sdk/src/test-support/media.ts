/// <reference types="node" />
/** Real media tools for tests: ffprobe to check the videos the AI SDK returns, ffmpeg to make test images. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sora-ai-sdk-test-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What ffprobe says about a video. */
export interface Probe {
  formatName: string;
  codecName: string;
  width: number;
  height: number;
  durationSeconds: number;
}

/** Runs ffprobe on a file. */
export async function ffprobeFile(file: string): Promise<Probe> {
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

/** Runs ffprobe on bytes (written to a temporary file). */
export function ffprobe(bytes: Uint8Array, extension = 'mp4'): Promise<Probe> {
  return inTempDir(async (dir) => {
    const file = join(dir, `media.${extension}`);
    await writeFile(file, bytes);
    return ffprobeFile(file);
  });
}

/** A real image of `width` x `height` made by ffmpeg: PNG, JPEG or WebP. */
export function makeImage(
  format: 'png' | 'jpg' | 'webp',
  width: number,
  height: number,
): Promise<Uint8Array> {
  return inTempDir(async (dir) => {
    const file = join(dir, `image.${format}`);
    await run('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `color=c=orange:s=${width}x${height}`,
      '-frames:v',
      '1',
      file,
    ]);
    return new Uint8Array(await readFile(file));
  });
}
