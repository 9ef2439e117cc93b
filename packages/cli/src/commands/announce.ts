import type { Video } from '@sora-kit/core';
import { InterruptedError } from '../cli-error.js';
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

/** Awaits a create; Ctrl-C during it says that the job may exist (its id never arrived) and where to look. */
export async function whileCreating<T>(creating: Promise<T>, signal: AbortSignal): Promise<T> {
  try {
    return await creating;
  } catch (error) {
    if (!signal.aborted) throw error;
    throw new InterruptedError(
      'Interrupted while the job was being created: it may exist on the server without its id having arrived.',
      'Look for it with: sora-kit list --limit 5',
    );
  }
}
