import type { Video } from '@sora-kit/core';
import type { Output } from '../output.js';

/**
 * Says that a job exists: a `created` JSON event, a line on stderr; with `--no-wait` the id on stdout
 * (and, in `--json` mode, the Video as the last line).
 */
export function announceCreated(out: Output, video: Video, waiting: boolean): void {
  out.event({ type: 'created', id: video.id, status: video.status });
  const what = [video.model, video.seconds && `${video.seconds} s`, video.size].filter(Boolean).join(', ');
  out.info(`Created ${out.style.bold(video.id)}${what ? ` (${what})` : ''}`);
  if (waiting) return;
  out.info(`It renders on the server; follow it with: sora-kit wait ${video.id}`);
  out.event(video);
  out.resultOnce(video.id);
}
