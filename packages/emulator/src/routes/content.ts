/**
 * `GET /v1/videos/{video_id}/content`: the media of a completed job, as bytes (the OpenAI way) or as
 * a signed link to the download origin (the gpt.ge way), depending on `contentMode`.
 */
import type { Context } from 'hono';
import { serveAsset } from '../content.js';
import { ApiError } from '../errors.js';
import type { VideoContentLink, VideoContentVariant } from '../generated/openapi.js';
import { schemaDefault } from '../operations.js';
import type { AppEnv, EmulatorState } from '../state.js';
import { findJob, type OperationHandlers, validParameters } from './http.js';

/** Where links point: the configured download origin, else this very origin (which then serves `/files/*`). */
function filesBaseUrl(c: Context<AppEnv>, state: EmulatorState): string {
  return state.filesBaseUrl ?? new URL(c.req.url).origin;
}

export function contentHandlers(state: EmulatorState): Pick<OperationHandlers, 'downloadVideoContent'> {
  const defaultVariant = schemaDefault<VideoContentVariant>('VideoContentVariant');

  return {
    async downloadVideoContent(c) {
      const { path, query } = validParameters(c, state, 'downloadVideoContent');
      const job = findJob(state, path.video_id);
      const jobState = state.jobs.state(job);
      if (jobState.status === 'failed') {
        throw new ApiError(400, `Video '${job.id}' failed; a failed video has no content.`, {
          param: 'video_id',
          code: 'video_failed',
        });
      }
      if (jobState.completedAtMs === null) {
        throw new ApiError(
          400,
          `Video '${job.id}' is not ready yet (status: ${jobState.status}); download it once it is completed.`,
          { param: 'video_id', code: 'video_not_ready' },
        );
      }
      if (jobState.status === 'expired') {
        throw new ApiError(404, `The content of video '${job.id}' has expired.`, {
          param: 'video_id',
          code: 'video_expired',
        });
      }
      const expiresAt = state.jobs.expiresAtMs(job) / 1000;
      const variant = query.variant ?? defaultVariant;
      if (state.options.contentMode === 'url') {
        const linkExpiresAt = Math.min(
          expiresAt,
          Math.floor(Date.now() / 1000) + state.options.linkTtlSeconds,
        );
        const token = await state.links.sign({ videoId: job.id, variant, expiresAt: linkExpiresAt });
        const link: VideoContentLink = {
          id: job.id,
          url: `${filesBaseUrl(c, state)}/files/${token}`,
          expires_at: linkExpiresAt,
          status: 'ready',
        };
        return c.json(link, 200, { 'cache-control': 'no-store' });
      }
      return serveAsset(c.req.raw, await state.media.get(job, variant));
    },
  };
}
