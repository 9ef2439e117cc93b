import type { KnownVideoStatus, Video } from './generated/openapi.js';

/**
 * A job's status with gateway names mapped: the protocol's four (`KnownVideoStatus`), `expired` (terminal),
 * or `unknown`. The spec's `VideoStatus` is an open string (gateways send their own names); this is what a
 * program can switch on.
 */
export type NormalizedStatus = KnownVideoStatus | 'expired' | 'unknown';

// Names seen at gateways (the spec's `VideoStatus` examples among them), lower-cased with `-` and spaces as
// `_`. Anything else is `unknown`: keep polling.
// No prototype: a status such as `constructor` or `__proto__` finds nothing.
const NAMES: Record<string, NormalizedStatus | null> = {
  __proto__: null,
  queued: 'queued',
  not_start: 'queued',
  not_started: 'queued',
  pending: 'queued',
  submitted: 'queued',
  in_progress: 'in_progress',
  processing: 'in_progress',
  running: 'in_progress',
  completed: 'completed',
  succeeded: 'completed',
  success: 'completed',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  cancelled: 'failed',
  canceled: 'failed',
  expired: 'expired',
};

/**
 * Maps a status as a server reported it to the spec's names: `NOT_START` → `queued`, `processing` →
 * `in_progress`, upper case too; `expired` stays (and is terminal); anything unrecognised is `unknown`.
 */
export function normalizeStatus(raw: unknown): NormalizedStatus {
  return NAMES[raw as string] ?? NAMES[String(raw).toLowerCase().replace(/[- ]/g, '_')] ?? 'unknown';
}

/**
 * The job with a status a typed program can switch on: a known gateway name becomes the spec's name, and a
 * `progress` sent as text (`"45%"`) a number. `expired` and unknown names are left as the server sent them.
 */
export function normalizeVideo(video: Video): Video {
  const status = normalizeStatus(video.status);
  if (status === video.status && typeof video.progress === 'number') return video; // the usual case
  const progress = Number.parseFloat(video.progress as unknown as string); // (it reads any value as text)
  return {
    ...video,
    status: status === 'expired' || status === 'unknown' ? video.status : status,
    progress: Number.isFinite(progress) ? progress : video.progress,
  };
}
