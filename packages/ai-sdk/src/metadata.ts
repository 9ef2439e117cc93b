import type { JSONObject } from '@ai-sdk/provider';
import { normalizeStatus, type Video } from '@sora-kit/core';

/**
 * `providerMetadata.sora` for a job as last seen: its id, its status in the spec's names (gateway names such
 * as `NOT_START` or `processing` mapped; `rawStatus` when the server spelled it otherwise) and its
 * `progress` (0-100, or null when the server sent none), so a UI can show a percentage while the AI SDK
 * only knows `pending`. A finished job adds what it is: model, size, seconds and when its content expires.
 */
export function jobMetadata(video: Video): JSONObject {
  const status = normalizeStatus(video.status);
  const progress =
    typeof video.progress === 'number' && Number.isFinite(video.progress) ? video.progress : null;
  const metadata: JSONObject = {
    id: video.id,
    status: status === 'unknown' ? String(video.status) : status,
    progress,
  };
  if (status !== String(video.status)) metadata.rawStatus = String(video.status);
  for (const [key, name] of [
    ['model', 'model'],
    ['size', 'size'],
    ['seconds', 'seconds'],
    ['created_at', 'createdAt'],
    ['completed_at', 'completedAt'],
    ['expires_at', 'expiresAt'],
    ['remixed_from_video_id', 'remixedFromVideoId'],
  ] as const) {
    const value = video[key];
    if (typeof value === 'string' || typeof value === 'number') metadata[name] = value;
  }
  if (video.error) metadata.error = { code: video.error.code ?? null, message: video.error.message ?? null };
  return metadata;
}
