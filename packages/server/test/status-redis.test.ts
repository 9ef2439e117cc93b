// The shared-status suite (shared-status-suite.ts) on a real redis-server: notices through Redis pub/sub.
import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { Redis } from 'ioredis';
import { createStatusHub } from '../src/index.js';
import { redisStatusStore } from '../src/store/redis.js';
import { describeSharedStatus } from './shared-status-suite.js';

let redis: RunningRedis;
const connections: Redis[] = [];

describeSharedStatus('Redis', {
  async start() {
    redis = await startRedis();
  },
  async hub() {
    const client = new Redis(redis.url, { lazyConnect: false });
    const subscriber = client.duplicate();
    connections.push(client, subscriber);
    return createStatusHub({ store: redisStatusStore(client, { subscriber, prefix: 'test:' }) });
  },
  async stop() {
    for (const connection of connections) connection.disconnect();
    await redis?.stop();
  },
});
