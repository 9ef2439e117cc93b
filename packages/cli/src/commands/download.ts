/** `sora-kit download <id>`: a completed job's video, thumbnail or spritesheet, to a file. */
import { APIError, APIUserAbortError, validateVariant, validateVideoId } from '@sora-kit/core';
import { DownloadError } from '@sora-kit/core/node';
import { CliError, InterruptedError, UsageError } from '../cli-error.js';
import type { CommandEnv } from '../command-env.js';
import { type ApiOptions, openContext } from '../context.js';
import { displayPath } from '../display-path.js';
import { downloadFile } from '../download-file.js';
import { ExitCode } from '../exit-codes.js';
import { prepareOutput, resolveOutput, type Variant } from '../output-file.js';
import { createProgress } from '../progress/create-progress.js';
import { formatBytes, formatDuration } from '../progress/format.js';
import { shellQuote } from '../shell-quote.js';

interface DownloadOptions extends ApiOptions {
  variant: Variant;
  output?: string;
  force?: boolean;
}

export async function run(
  args: string[],
  options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const opts = options as unknown as DownloadOptions;
  const { out, signal } = env;
  const id = args[0] ?? '';
  validateVideoId(id);
  validateVariant(opts.variant);
  const target = await resolveOutput(opts.output, id, opts.variant);
  const path = target.path!;
  const shown = displayPath(path);
  await prepareOutput(target, { force: opts.force, shown });

  const ctx = await openContext(opts, out);
  const progress = createProgress(out, () => id);
  const started = performance.now();
  try {
    const { bytes } = await downloadFile(ctx, out, id, path, {
      variant: opts.variant,
      signal,
      overwrite: opts.force === true,
      onProgress: (p) => progress.download(p.bytes, p.total),
    });
    progress.stop();
    out.event({ type: 'saved', id, variant: opts.variant, path, bytes });
    out.info(
      `${out.style.green('✓')} Saved ${shown} (${formatBytes(bytes)} in ${formatDuration(performance.now() - started)})`,
    );
    out.resultOnce(shown);
    return ExitCode.Ok;
  } catch (error) {
    progress.stop();
    if (signal.aborted || APIUserAbortError.isInstance(error)) {
      throw new InterruptedError(
        `Interrupted; nothing was saved. Resume with: sora-kit download ${id}${ctx.reachArgs}${opts.variant === 'video' ? '' : ` --variant ${opts.variant}`}${opts.output ? ` --output ${shellQuote(opts.output)}` : ''}`,
      );
    }
    if (isNotReady(error)) {
      // The job exists and renders: `wait` follows it and saves it, which is what the user wanted.
      const output = opts.output ? ` --output ${shellQuote(opts.output)}` : '';
      const force = opts.force ? ' --force' : '';
      const notReady = new CliError(
        `${id} is not ready yet: ${(error as Error).message}`,
        ExitCode.Failed,
        opts.variant === 'video'
          ? `Wait for it and save it with: sora-kit wait ${id}${ctx.reachArgs}${output}${force}`
          : `Wait for it with: sora-kit wait ${id}${ctx.reachArgs} --no-download, then run this command again.`,
        'video_not_ready',
      );
      notReady.videoId = id;
      throw notReady;
    }
    if (DownloadError.isInstance(error) && error.code === 'file_exists') {
      throw new UsageError(
        `The output file '${shown}' exists; pass --force to overwrite it.`,
        undefined,
        'file_exists',
      );
    }
    throw error;
  } finally {
    await ctx.close();
  }
}

/** The job has not completed yet (the API's `video_not_ready`, or a refusal that says so). */
function isNotReady(error: unknown): boolean {
  if (!APIError.isInstance(error)) return false;
  if (error.code === 'video_not_ready') return true;
  return (
    (error.status === 400 || error.status === 404 || error.status === 409) &&
    /not (ready|completed|finished)|still (queued|in.progress|processing)/i.test(error.message)
  );
}
