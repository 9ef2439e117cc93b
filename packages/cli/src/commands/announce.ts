import type { Video } from '@sora-kit/core';
import { InterruptedError } from '../cli-error.js';
import type { CommandEnv } from '../command-env.js';
import type { Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { followJob } from '../follow-job.js';
import type { Output } from '../output.js';

/** What the commands that start a job (`generate`, `remix`) were told about the wait and the file. */
export interface StartOptions {
  wait: boolean;
  output?: string | undefined;
  force?: boolean | undefined;
  timeout?: number | undefined;
}

/**
 * The common end of the commands that start a job: awaits the create (see {@link whileCreating}), says the
 * job exists, then, unless `--no-wait`, follows it to its file. Resolves with the exit code.
 */
export async function startAndFollow(
  ctx: Context,
  creating: Promise<Video>,
  opts: StartOptions,
  env: CommandEnv,
): Promise<number> {
  const video = await whileCreating(creating, env.signal, ctx);
  announceCreated(env.out, video, opts.wait, ctx);
  if (!opts.wait) return ExitCode.Ok;
  return followJob(
    ctx,
    video.id,
    { output: opts.output, force: opts.force, download: true, timeoutSeconds: opts.timeout },
    env,
  );
}

/**
 * Says that a job exists: a `created` JSON event, a line on stderr; with `--no-wait` the id on stdout
 * (and, in `--json` mode, the Video as the last line), and the command that follows it, with the flags
 * that chose the server (`--emulator`, `--base-url`): a hint that works when it is run as printed.
 */
export function announceCreated(
  out: Output,
  video: Video,
  waiting: boolean,
  ctx: Pick<Context, 'reachArgs' | 'embedded'>,
): void {
  out.event({ type: 'created', id: video.id, status: video.status });
  const what = [video.model, video.seconds && `${video.seconds} s`, video.size].filter(Boolean).join(', ');
  out.info(`Created ${out.style.bold(video.id)}${what ? ` (${what})` : ''}`);
  if (waiting) return;
  out.info(
    ctx.embedded
      ? 'It was made on the embedded emulator, which stops with this command, and the job with it. To follow a job with `sora-kit wait`, run `sora-kit emulator` in another terminal first.'
      : `It renders on the server; follow it with: sora-kit wait ${video.id}${ctx.reachArgs}`,
  );
  out.event(video);
  out.resultOnce(video.id);
}

/** Awaits a create; Ctrl-C during it says that the job may exist (its id never arrived) and where to look. */
export async function whileCreating<T>(
  creating: Promise<T>,
  signal: AbortSignal,
  ctx: Pick<Context, 'reachArgs' | 'embedded'>,
): Promise<T> {
  try {
    return await creating;
  } catch (error) {
    if (!signal.aborted) throw error;
    if (ctx.embedded)
      throw new InterruptedError('Interrupted while the job was being created on the embedded emulator.');
    throw new InterruptedError(
      'Interrupted while the job was being created: it may exist on the server without its id having arrived.',
      `Look for it with: sora-kit list --limit 5${ctx.reachArgs}`,
    );
  }
}
