// The launcher lives in @sora-kit/test-support (the CLI's tests use it too). This path stays for the queue's
// own tests and bench (`bench/index.mjs` imports `dist/test-support/redis-server.js`).
export { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
