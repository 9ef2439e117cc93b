/** The 429 pause in BullMQ's limiter key, on a real Redis: what BullMQ's workers then see. */

import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAUSED, pauseLeft, pauseQueue } from './rate-limit-pause.js';

let server: RunningRedis;
let redis: Redis;
let n = 0;
const queues: Queue[] = [];

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  redis?.disconnect();
  await server?.stop();
});

const newQueue = () => {
  const queue = new Queue(`pause-${++n}`, { connection: redis });
  queues.push(queue);
  return queue;
};

describe('pauseQueue / pauseLeft', () => {
  it('pauses for the given ms, in the key every BullMQ worker checks before it fetches a job', async () => {
    const queue = newQueue();
    expect(await pauseLeft(queue)).toBe(0);
    await pauseQueue(redis, queue, 5000);
    const left = await pauseLeft(queue);
    expect(left).toBeGreaterThan(4000);
    expect(left).toBeLessThanOrEqual(5000);
    // BullMQ's own view, with any limiter's max: rate limited for as long.
    expect(await queue.getRateLimitTtl(1000)).toBeGreaterThan(4000);
    expect(Number(await redis.get(queue.toKey('limiter')))).toBe(PAUSED);
  });

  it('is never shortened by a later, shorter pause, and is lengthened by a longer one', async () => {
    const queue = newQueue();
    await pauseQueue(redis, queue, 5000);
    await pauseQueue(redis, queue, 1000);
    expect(await pauseLeft(queue)).toBeGreaterThan(4000);
    await pauseQueue(redis, queue, 8000);
    expect(await pauseLeft(queue)).toBeGreaterThan(7000);
  });

  it("ends when its time is over (the key expires; the workers' limiter counts afresh)", async () => {
    const queue = newQueue();
    await pauseQueue(redis, queue, 300);
    await new Promise((r) => setTimeout(r, 600));
    expect(await pauseLeft(queue)).toBe(0);
    expect(await redis.exists(queue.toKey('limiter'))).toBe(0);
  });

  it("a full limiter window is not a pause; a pause replaces the window's count", async () => {
    const queue = newQueue();
    const key = queue.toKey('limiter');
    // What BullMQ's workers leave after starting 3 jobs of a { max: 3, duration: 60 000 } limiter.
    await redis.set(key, 3, 'PX', 60_000);
    expect(await queue.getRateLimitTtl(3)).toBeGreaterThan(0);
    expect(await pauseLeft(queue)).toBe(0);
    // A 429's pause starts now for its own length, even if shorter than the window's rest.
    await pauseQueue(redis, queue, 2000);
    const left = await pauseLeft(queue);
    expect(left).toBeGreaterThan(1000);
    expect(left).toBeLessThanOrEqual(2000);
  });
});
