// The real `@upstash/redis` HTTP client, through a local stand-in for Upstash's REST endpoint
// (upstash-shim.ts) in front of a real redis-server: what Upstash's own servers add is not tested here.
import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { Redis as Upstash } from '@upstash/redis';
import { Redis } from 'ioredis';
import { redisDedupeStore, redisStore } from '../../src/store/redis.js';
import { describeJobStore } from './contract.js';
import { startUpstashShim } from './upstash-shim.js';

describeJobStore('Redis (@upstash/redis over HTTP)', async () => {
  const server: RunningRedis = await startRedis();
  const backends = [new Redis(server.url), new Redis(server.url)];
  const shims = await Promise.all(backends.map((redis) => startUpstashShim(redis)));
  const clients = shims.map(({ url }) => new Upstash({ url, token: 'local', enableTelemetry: false }));
  const [first, ...others] = clients as [Upstash, ...Upstash[]];
  return {
    store: redisStore(first),
    stores: others.map((client) => redisStore(client)),
    dedupe: redisDedupeStore(first),
    dedupes: others.map((client) => redisDedupeStore(client)),
    close: async () => {
      await Promise.all(shims.map((shim) => shim.close()));
      await Promise.all(backends.map((redis) => redis.quit()));
      await server.stop();
    },
  };
});
