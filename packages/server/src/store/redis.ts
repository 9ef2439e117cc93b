// `@sora-kit/server/redis`. (The status store's re-export line, beside the job store's.)
export * from '../status/redis.js';
