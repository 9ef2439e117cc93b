/**
 * The second half of `generate`, `remix` and `wait`: watch a job with a progress display until it ends,
 * then download its MP4 through core's `downloadToFile` (streamed, resumed after a cut, placed
 * atomically, removed on abort — so Ctrl-C never leaves a partial file).
 */
import { APIUserAbortError, type Video, VideoFailedError } from '@sora-kit/core';
import { DownloadError } from '@sora-kit/core/node';
import { CliError, InterruptedError, UsageError } from './cli-error.js';
import type { CommandEnv } from './command-env.js';
import type { Context } from './context.js';
import { displayPath } from './display-path.js';
import { downloadFile } from './download-file.js';
import { toCliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { prepareOutput, resolveOutput } from './output-file.js';
import { createProgress } from './progress/create-progress.js';
import { formatBytes, formatDuration } from './progress/format.js';
import { shellQuote } from './shell-quote.js';
import { LINE_BREAK } from './terminal-text.js';

export interface FollowOptions {
  /** `--output` as given. */
  output?: string;
  force?: boolean;
  /** Download once completed (`wait --no-download` turns it off). */
  download: boolean;
  /** `--timeout`, in seconds. */
  timeoutSeconds?: number;
}

/** The command that resumes watching `id` and saves it (what Ctrl-C and any failure after a create print). */
export function resumeCommand(id: string, options: FollowOptions, reachArgs = ''): string {
  const output = options.output === undefined ? '' : ` --output ${shellQuote(options.output)}`;
  const force = options.force && options.download ? ' --force' : '';
  return `sora-kit wait ${id}${reachArgs}${output}${force}${options.download ? '' : ' --no-download'}`;
}

/**
 * Watches the job until it ends, then downloads it; answers the exit code. The job exists on the server
 * whatever goes wrong here, so any failure but a failed job is reported with its id and the command that
 * finishes it (on stderr, even with `--quiet`; in the `--json` error line as `id` and `hint`).
 */
export async function followJob(
  ctx: Context,
  id: string,
  options: FollowOptions,
  env: CommandEnv,
): Promise<number> {
  try {
    return await watchAndSave(ctx, id, options, env);
  } catch (error) {
    const cli = toCliError(error, env.signal);
    // Ctrl-C says how to resume already; a failed job has nothing left to finish.
    if (cli.exitCode === ExitCode.Interrupted || cli.reported) throw cli;
    if (cli.code === 'timeout') {
      const timedOut = new CliError(
        cli.message,
        cli.exitCode,
        `It is still running; resume with: ${resumeCommand(id, options, ctx.reachArgs)}`,
        cli.code,
      );
      timedOut.videoId = id;
      throw timedOut;
    }
    const where = ctx.embedded
      ? ' It was made on the embedded emulator, which stopped with this command: run it again.'
      : '';
    const finish = ctx.embedded
      ? undefined
      : `The job ${id} exists on the server (a real API bills it): nothing is lost. Finish it with: ${resumeCommand(id, options, ctx.reachArgs)}`;
    // Nothing sent is no longer true: an error found now is a failure (1), not bad usage (2).
    const failed = new CliError(
      `${cli.message}${where}`,
      cli.exitCode === ExitCode.Usage ? ExitCode.Failed : cli.exitCode,
      [cli.hint, finish].filter(Boolean).join(LINE_BREAK) || undefined,
      cli.code,
    );
    failed.videoId = id;
    throw failed;
  }
}

async function watchAndSave(
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
    return new InterruptedError(
      `Interrupted. Resume with: ${resumeCommand(id, options, ctx.reachArgs)}${lost}`,
    );
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

  const target = await resolveOutput(options.output, id);
  const path = target.path!;
  const shown = displayPath(path);
  await prepareOutput(target, { force: options.force, shown: options.output });
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
        undefined,
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
