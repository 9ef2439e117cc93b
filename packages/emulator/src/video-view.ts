/**
 * A job as the API shows it: the `Video` object of the spec. With gateway status names on (a fault
 * for client tests), statuses are spelled the way some gateways spell them.
 */
import type { Video } from './generated/openapi.js';
import type { Job, JobState } from './jobs.js';

/** How statuses are spelled: the OpenAI way, or the way gateways such as gpt.ge report them. */
export type StatusStyle = 'openai' | 'gateway';

/**
 * Gateway spellings seen in the wild for each status: `VideoStatus` is open, and its `examples` in the spec
 * list these names (a test keeps the two in step).
 */
export const GATEWAY_STATUS_NAMES: Readonly<Record<JobState['status'], string>> = {
  queued: 'NOT_START',
  in_progress: 'processing',
  completed: 'COMPLETED',
  failed: 'FAILED',
  expired: 'expired',
};

const toSeconds = (ms: number) => Math.floor(ms / 1000);

/** The `Video` object of `job` in `state`. */
export function toVideo(job: Job, state: JobState, contentTtlSeconds: number, style: StatusStyle): Video {
  const completedAt = state.completedAtMs === null ? null : toSeconds(state.completedAtMs);
  return {
    id: job.id,
    object: 'video',
    created_at: toSeconds(job.createdAtMs),
    status: style === 'gateway' ? GATEWAY_STATUS_NAMES[state.status] : state.status,
    progress: state.progress,
    completed_at: completedAt,
    expires_at: completedAt === null ? null : completedAt + contentTtlSeconds,
    model: job.model,
    seconds: job.seconds,
    size: job.size,
    prompt: job.prompt,
    remixed_from_video_id: job.remixedFromVideoId,
    error: state.error,
  };
}
