/**
 * Every download of the CLI: core's `downloadToFile` (streamed to a temporary file, resumed with `Range`
 * after a cut, length-checked, renamed into place; removed on abort or failure) over the context's
 * download `fetch`, with a `--verbose` line of its own.
 *
 * A process killed outright (SIGKILL, a power cut) cannot remove its temporary file. So each download
 * holds a lock beside its output (`.<name>.lock`, with its pid) from before its temporary file exists to
 * after it is gone: the next download of the same output takes over a lock whose process is gone and
 * removes the temporary files it left, and one whose process still runs refuses to write the same file
 * at the same time.
 */
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  type DownloadResult,
  type DownloadToFileOptions,
  downloadToFile,
  findPartialDownloads,
} from '@sora-kit/core/node';
import type { Context } from './context.js';
import { displayPath } from './display-path.js';
import type { Output } from './output.js';
import { releasePidLock, takePidLock } from './pid-lock.js';

export async function downloadFile(
  ctx: Context,
  out: Output,
  id: string,
  path: string,
  options: DownloadToFileOptions,
): Promise<DownloadResult> {
  const started = performance.now();
  const variant = options.variant ?? 'video';
  const lock = join(dirname(path), `.${basename(path)}.lock`);
  const { tookOver } = await takePidLock(lock, {
    message: (pid) => `Another sora-kit (pid ${pid}) is saving '${displayPath(path)}' right now.`,
    code: 'output_locked',
  });
  try {
    // A download's temporary file exists only while its lock does: a lock left by a process that is gone
    // means it was killed, and the partial files of `path` are its. (Without one, there is nothing to
    // look for, which spares a listing of the folder per download in a big batch.)
    if (tookOver) {
      for (const stale of await findPartialDownloads(path)) {
        await rm(stale, { force: true });
        out.debug(`removed ${displayPath(stale)}, left by a download that was killed`);
      }
    }
    const result = await downloadToFile(ctx.client, id, path, { ...options, fetch: ctx.downloadFetch });
    out.debug(
      `GET /v1/videos/${id}/content?variant=${variant} → ${result.bytes} bytes in ${Math.round(performance.now() - started)} ms (downloadToFile)`,
    );
    return result;
  } catch (error) {
    out.debug(
      `GET /v1/videos/${id}/content?variant=${variant} → ${(error as Error).name}: ${(error as Error).message}`,
    );
    throw error;
  } finally {
    await releasePidLock(lock);
  }
}
