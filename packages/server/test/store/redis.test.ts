// A real redis-server on loopback through ioredis: three clients (three connections), so the reserves
// and the dedupe adds race as instances of an app do.
import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { Redis } from 'ioredis';
import { redisDedupeStore, redisStore } from '../../src/store/redis.js';
import { describeJobStore } from './contract.js';

describeJobStore('Redis (ioredis)', async () => {
  const server: RunningRedis = await startRedis();
  const clients = [1, 2, 3].map(() => new Redis(server.url));
  const [first, ...others] = clients as [Redis, ...Redis[]];
  return {
    store: redisStore(first),
    stores: others.map((client) => redisStore(client)),
    startAnother: () => redisStore(first),
    dedupe: redisDedupeStore(first),
    dedupes: others.map((client) => redisDedupeStore(client)),
    close: async () => {
      await Promise.all(clients.map((client) => client.quit()));
      await server.stop();
    },
  };
});
