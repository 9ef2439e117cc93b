import { ffprobe } from '@sora-kit/test-support/media';
import {
  experimental_generateVideo as generateVideo,
  experimental_getVideoStatus as getVideoStatus,
  experimental_startVideo as startVideo,
} from 'ai';
import { describe, expect, test } from 'vitest';
import { useEmulator } from './test-support/emulator.js';

// experimental_generateVideo end to end, through the real `ai` package, over real HTTP to the emulator.
const t = useEmulator({ jobSeconds: 0.4 });

describe('experimental_generateVideo', () => {
  test('returns a valid MP4 of the size and length asked for', async () => {
    const { video, videos, warnings, providerMetadata, responses } = await generateVideo({
      model: t.sora.video('sora-2'),
      prompt: 'a tiger in a farmyard',
      resolution: '1280x720',
      duration: 8,
      poll: { intervalMs: 100 },
    });
    expect(videos).toHaveLength(1);
    expect(warnings).toEqual([]);
    expect(video.mediaType).toBe('video/mp4');
    const probe = await ffprobe(video.uint8Array);
    expect(probe).toMatchObject({ codecName: 'h264', width: 1280, height: 720 });
    expect(probe.formatName).toContain('mp4');
    expect(probe.durationSeconds).toBeCloseTo(8, 0);
    expect(providerMetadata.sora).toMatchObject({
      status: 'completed',
      progress: 100,
      size: '1280x720',
      seconds: '8',
      model: 'sora-2',
    });
    expect(responses[0]?.modelId).toBe('sora-2');
    // What actually went over the wire: one create, polls, one download.
    const id = (providerMetadata.sora as { id: string }).id;
    const log = t.emu.requests().filter((r) => r.path.includes(id) || r.path === '/v1/videos');
    expect(log.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(log.at(-1)).toMatchObject({ method: 'GET', path: `/v1/videos/${id}/content`, status: 200 });
  });

  test('sora-2-pro renders the 1792 sizes', async () => {
    const { video } = await generateVideo({
      model: t.sora.video('sora-2-pro'),
      prompt: 'a tall lighthouse',
      resolution: '1024x1792',
      poll: { intervalMs: 100 },
    });
    expect(await ffprobe(video.uint8Array)).toMatchObject({ width: 1024, height: 1792 });
  });

  test('variant: thumbnail returns the WebP image', async () => {
    const { video } = await generateVideo({
      model: t.sora.video('sora-2'),
      prompt: 'a red kite',
      providerOptions: { sora: { variant: 'thumbnail' } },
      poll: { intervalMs: 100 },
    });
    expect(video.mediaType).toBe('image/webp');
    expect(new TextDecoder().decode(video.uint8Array.slice(8, 12))).toBe('WEBP');
  });

  test('pending carries the job status and progress for a UI', async () => {
    const emu = t.emu;
    const model = t.sora.video('sora-2');
    const { operation, providerMetadata } = await startVideo({ model, prompt: 'slow clouds' });
    expect(providerMetadata?.sora).toMatchObject({ status: 'queued', progress: 0 });
    const seen: unknown[] = [];
    for (;;) {
      const status = await getVideoStatus(model, { operation });
      if (status.status === 'completed') break;
      expect(status.status).toBe('pending');
      seen.push(status.providerMetadata?.sora);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const running = seen.filter((s) => (s as { status: string }).status === 'in_progress');
    expect(running.length).toBeGreaterThan(0);
    const progress = running.map((s) => (s as { progress: number }).progress);
    expect(progress.every((p) => p >= 0 && p < 100)).toBe(true);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(emu.videos().find((v) => v.id === (operation as { id: string }).id)?.status).toBe('completed');
  });

  test('poll.waitMs lets one status check watch the job with core’s poller until it ends', async () => {
    const model = t.sora.video('sora-2');
    const { operation } = await startVideo({
      model,
      prompt: 'a watched kettle',
      providerOptions: { sora: { poll: { waitMs: 20_000, minIntervalMs: 50 } } },
    });
    expect(operation).toMatchObject({ poll: { waitMs: 20_000, minIntervalMs: 50 } });
    const status = await getVideoStatus(model, { operation });
    expect(status.status).toBe('completed'); // one check, however long the job took
  });
});
