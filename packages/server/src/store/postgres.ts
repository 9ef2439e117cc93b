// `@sora-kit/server/postgres`. (The status store's re-export line, beside the job store's.)
export * from '../status/postgres.js';
