/**
 * @sora-kit/queue: Sora 2 video batches across machines on BullMQ/Redis. Producers add jobs
 * (`createVideoQueue`), workers on any number of machines run them (`createVideoWorker`) under one global
 * rate limit, and no job is paid for twice.
 */
export {
  type ConnectionOptions,
  type ConnectionProblem,
  describeRedisError,
  type QueueConnection,
  QueueConnectionError,
  reconnectDelayMs,
  redactRedisUrl,
} from './connection.js';
export {
  DEFAULT_QUEUE_NAME,
  JOB_NAME,
  type VideoJobData,
  type VideoJobProgress,
  type VideoJobResult,
} from './job-data.js';
export { idempotencyKeyOf, jobIdOf } from './job-id.js';
export { checkJobLine, type QueuedCreateParams, type VideoJobLine } from './job-line.js';
export { checkOutputName, MAX_OUTPUT_NAME_BYTES, type OutputNameOptions } from './output-name.js';
export {
  type AddResult,
  createVideoQueue,
  type VideoJobStatus,
  type VideoQueue,
  type VideoQueueCounts,
  type VideoQueueOptions,
} from './queue.js';
export {
  createVideoWorker,
  type OutputContext,
  type VideoWorker,
  type VideoWorkerOptions,
} from './worker.js';
