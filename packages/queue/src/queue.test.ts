import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVideoQueue, type VideoQueue } from './queue.js';

let redis: RunningRedis;
let videos: VideoQueue;

beforeAll(async () => {
  redis = await startRedis();
  videos = createVideoQueue({ connection: redis.url, name: 'producer-test' });
});
afterAll(async () => {
  await videos?.close();
  await redis?.stop();
});

describe('createVideoQueue', () => {
  const lines = Array.from({ length: 25 }, (_, i) => ({
    params: { prompt: `variant ${i}`, seconds: '4' as const },
    output: `v${i}.mp4`,
  }));

  it('enqueuing the same jobs twice adds nothing the second time', async () => {
    const first = await videos.addBulk(lines);
    expect(first.every((r) => r.added)).toBe(true);
    const second = await videos.addBulk(lines);
    expect(second.some((r) => r.added)).toBe(false);
    expect(second.map((r) => r.jobId)).toEqual(first.map((r) => r.jobId));
    const again = await videos.add({ seconds: '4', prompt: 'variant 3' }, { output: 'v3.mp4' });
    expect(again).toEqual({ jobId: first[3]?.jobId, added: false });
    expect((await videos.counts()).waiting).toBe(25);
  });

  it('refuses a bad line before anything is added', async () => {
    const before = await videos.counts();
    await expect(
      videos.addBulk([{ params: { prompt: 'fine' } }, { params: { prompt: 'x', size: '640x480' as never } }]),
    ).rejects.toThrow(/'size'.*'640x480'/);
    expect(await videos.counts()).toEqual(before);
  });

  it('refuses a connection that is not a Redis URL, without echoing a password', () => {
    expect(() => createVideoQueue({ connection: 'http://:hunter2@example.com' })).toThrow(/redis:\/\//);
    try {
      createVideoQueue({ connection: 'http://:hunter2@example.com' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });

  it('reports a job by id', async () => {
    const [first] = await videos.addBulk(lines);
    expect(await videos.status(first?.jobId as string)).toMatchObject({
      state: 'waiting',
      videoId: undefined,
    });
    expect(await videos.status('sv-none')).toBeUndefined();
  });
});
