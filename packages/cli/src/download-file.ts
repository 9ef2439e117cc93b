/**
 * Every download of the CLI: core's `downloadToFile` (streamed to a temporary file, resumed with `Range`
 * after a cut, length-checked, renamed into place; removed on abort or failure) over the context's
 * download `fetch`, with a `--verbose` line of its own.
 */
import { type DownloadResult, type DownloadToFileOptions, downloadToFile } from '@sora-kit/core/node';
import type { Context } from './context.js';
import type { Output } from './output.js';

export async function downloadFile(
  ctx: Context,
  out: Output,
  id: string,
  path: string,
  options: DownloadToFileOptions,
): Promise<DownloadResult> {
  const started = performance.now();
  const variant = options.variant ?? 'video';
  try {
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
  }
}
