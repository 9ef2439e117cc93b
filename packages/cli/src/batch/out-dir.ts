/**
 * The output folder of a batch, proved writable before the first request: `--out-dir` itself (for the
 * manifest), and every folder an output goes in, each by creating and removing a file as long as the
 * longest name it will hold. An output folder reached through a symbolic link that leads out of
 * `--out-dir` is refused, so every file, temporary ones included, stays inside it.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { CliError, UsageError } from '../cli-error.js';
import { prepareOutput } from '../output-file.js';
import type { BatchJob } from './jobs-file.js';

export async function prepareOutDir(outDir: string, shownOutDir: string, jobs: BatchJob[]): Promise<void> {
  await prepareOutput({ folder: outDir, path: undefined }, { shown: shownOutDir });
  const insideOf = await realpath(outDir);

  // Per folder: the job with the longest file name (the one a file system is likeliest to refuse).
  const longest = new Map<string, BatchJob>();
  for (const job of jobs) {
    const folder = dirname(job.output);
    const held = longest.get(folder);
    if (!held || Buffer.byteLength(basename(job.output)) > Buffer.byteLength(basename(held.output)))
      longest.set(folder, job);
  }
  for (const [folder, job] of longest) {
    const shown = join(shownOutDir, job.output);
    try {
      await prepareOutput(
        { folder: join(outDir, folder), path: join(outDir, job.output) },
        { force: true, shown },
      );
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      throw new UsageError(`line ${job.line}: ${error.message}`, error.hint, error.code);
    }
    const real = await realpath(join(outDir, folder));
    if (real !== insideOf && !real.startsWith(`${insideOf}${sep}`)) {
      throw new UsageError(
        `line ${job.line}: the output '${job.output}' leads out of --out-dir: its folder '${join(shownOutDir, folder)}' is a link to '${real}'.`,
        undefined,
        'output_outside',
      );
    }
  }
}
