// `@sora-kit/server/redis`: the Redis backends. (The job store's `redisStore` is exported here too.)
export {
  type RedisStatusClient,
  type RedisStatusStoreOptions,
  type RedisStatusSubscriber,
  redisStatusStore,
} from './status/redis.js';
