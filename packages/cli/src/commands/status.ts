/** `sora-kit status <id>`: a job's state, parameters and expiry. Exits 0 whatever that state is. */
import type { Video } from '@sora-kit/core';
import { validateVideoId } from '@sora-kit/core';
import type { CommandEnv } from '../command-env.js';
import { type ApiOptions, openContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { formatDuration } from '../progress/format.js';

export async function run(
  args: string[],
  options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const id = args[0] ?? '';
  validateVideoId(id);
  const ctx = await openContext(options as ApiOptions, env.out);
  try {
    const video = await ctx.client.videos.retrieve(id, { signal: env.signal });
    env.out.event(video);
    for (const line of describeVideo(video, env.out)) env.out.result(line);
    return ExitCode.Ok;
  } finally {
    await ctx.close();
  }
}

/** `when` as an ISO time with how long ago / from now it is. */
function when(unixSeconds: number | null | undefined, now = Date.now()): string | undefined {
  if (typeof unixSeconds !== 'number') return undefined;
  const ms = unixSeconds * 1000;
  const delta = ms - now;
  const relative = delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
  return `${new Date(ms).toISOString().replace('.000Z', 'Z')} (${relative})`;
}

/** The job as aligned `field  value` lines. */
export function describeVideo(video: Video, out: Output): string[] {
  const status = String(video.status);
  const progress =
    typeof video.progress === 'number' && status !== 'completed' ? ` (${video.progress}%)` : '';
  const rows: [string, string | undefined][] = [
    ['id', video.id],
    ['status', `${status}${progress}`],
    ['model', video.model],
    ['size', video.size],
    ['seconds', video.seconds],
    ['created', when(video.created_at)],
    ['completed', when(video.completed_at)],
    ['expires', when(video.expires_at)],
    ['remix of', video.remixed_from_video_id ?? undefined],
    ['error', video.error ? `${video.error.code}: ${video.error.message}` : undefined],
    ['prompt', video.prompt ?? undefined],
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '')
    .map(
      ([field, value]) => `${out.stdoutIsTTY ? out.style.dim(field.padEnd(10)) : field.padEnd(10)}${value}`,
    );
}
