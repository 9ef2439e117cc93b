/**
 * The second half of `generate`, `remix` and `wait`: watch a job with a progress display until it ends,
 * then download its MP4 through core's `downloadToFile` (streamed, resumed after a cut, placed
 * atomically, removed on abort — so Ctrl-C never leaves a partial file).
 */
import { isAbsolute, relative } from 'node:path';
import { APIUserAbortError, type Video, VideoFailedError } from '@sora-kit/core';
import { DownloadError } from '@sora-kit/core/node';
import { CliError, InterruptedError, UsageError } from './cli-error.js';
import type { CommandEnv } from './command-env.js';
import type { Context } from './context.js';
import { downloadFile } from './download-file.js';
import { ExitCode } from './exit-codes.js';
import { prepareOutput, resolveOutput } from './output-file.js';
import { createProgress } from './progress/create-progress.js';
import { formatBytes, formatDuration } from './progress/format.js';

export interface FollowOptions {
  /** `--output` as given. */
  output?: string;
  force?: boolean;
  /** Download once completed (`wait --no-download` turns it off). */
  download: boolean;
  /** `--timeout`, in seconds. */
  timeoutSeconds?: number;
}

/** A path as the user should see it: relative to the current folder when it is inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The command that resumes watching `id` (what Ctrl-C prints). */
export function resumeCommand(id: string, options: FollowOptions): string {
  const output = options.output === undefined ? '' : ` --output ${quote(options.output)}`;
  return `sora-kit wait ${id}${output}${options.download ? '' : ' --no-download'}`;
}

function quote(text: string): string {
  return /^[\w./@:+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Watches the job until it ends, then downloads it; answers the exit code. */
export async function followJob(
  ctx: Context,
  id: string,
  options: FollowOptions,
  env: CommandEnv,
): Promise<number> {
  const { out, signal } = env;
  const interrupted = () => {
    const lost = ctx.embedded
      ? ' (the embedded emulator stopped with this command, and its jobs with it)'
      : '';
    return new InterruptedError(`Interrupted. Resume with: ${resumeCommand(id, options)}${lost}`);
  };
  const started = performance.now();

  const progress = createProgress(out, () => id);
  let video: Video;
  try {
    video = await ctx.client.videos.poll(id, {
      signal,
      timeout: options.timeoutSeconds === undefined ? undefined : options.timeoutSeconds * 1000,
      onProgress: (event) =>
        progress.job({
          id,
          status: event.status === 'unknown' ? event.rawStatus : event.status,
          progress: event.progress,
        }),
    });
  } catch (error) {
    progress.stop();
    if (signal.aborted || APIUserAbortError.isInstance(error)) throw interrupted();
    if (VideoFailedError.isInstance(error)) {
      out.event(error.video);
      const reason = error.video.error
        ? `${error.video.error.code}: ${error.video.error.message}`
        : String(error.video.status);
      throw new CliError(
        `Job ${id} ${error.video.status}: ${reason}`,
        ExitCode.Failed,
        undefined,
        error.code,
        true,
      );
    }
    throw error;
  }
  progress.stop();
  out.info(`${out.style.green('✓')} ${id} completed in ${formatDuration(performance.now() - started)}`);

  if (!options.download) {
    out.event(video);
    out.result(id);
    return ExitCode.Ok;
  }

  const path = (await resolveOutput(options.output, id))!;
  const shown = displayPath(path);
  await prepareOutput(path, options.force, shown);
  const downloading = createProgress(out, () => id);
  const downloadStarted = performance.now();
  let bytes: number;
  try {
    ({ bytes } = await downloadFile(ctx, out, id, path, {
      signal,
      overwrite: options.force === true,
      onProgress: (p) => downloading.download(p.bytes, p.total),
    }));
  } catch (error) {
    downloading.stop();
    if (signal.aborted || APIUserAbortError.isInstance(error)) throw interrupted();
    if (DownloadError.isInstance(error) && error.code === 'file_exists') {
      throw new UsageError(
        `The output file '${shown}' exists; pass --force to overwrite it.`,
        `The video is ready: sora-kit download ${id} --output <file>`,
        'file_exists',
      );
    }
    throw error;
  }
  downloading.stop();
  out.event({ type: 'saved', id, variant: 'video', path, bytes });
  out.event(video);
  out.info(
    `${out.style.green('✓')} Saved ${shown} (${formatBytes(bytes)} in ${formatDuration(performance.now() - downloadStarted)})`,
  );
  out.resultOnce(shown);
  return ExitCode.Ok;
}
