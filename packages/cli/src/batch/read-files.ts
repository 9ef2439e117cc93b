/**
 * The files a batch reads (its jobs file, every line's `input_reference`) are never an output, `--force` or
 * not: a line whose `output` names one would overwrite what the batch is reading (the jobs file, whose
 * lines are read again at each create, would be replaced by a video). The manifest and its lock are
 * refused by name already (output-names.ts); these can be anywhere, so they are compared by path and, when
 * the output exists, by file identity (a hard link or a symbolic link to the same file).
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../cli-error.js';
import type { BatchJob } from './jobs-file.js';
import { outputKey } from './output-names.js';

export async function refuseReadFilesAsOutputs(
  jobs: readonly BatchJob[],
  outDir: string,
  shownOutDir: string,
  jobsFile: string,
): Promise<void> {
  const reads = new Map<string, string>([[resolve(jobsFile), 'the jobs file']]);
  for (const job of jobs) {
    if (job.inputReference) reads.set(resolve(job.inputReference), `the input_reference of line ${job.line}`);
  }
  const byKey = new Map([...reads].map(([path, what]) => [outputKey(path), what]));
  const identities = new Map<string, string>();
  for (const [path, what] of reads) {
    const info = await stat(path).catch(() => undefined);
    if (info) identities.set(`${info.dev}:${info.ino}`, what);
  }
  for (const job of jobs) {
    const target = join(outDir, job.output);
    let what = byKey.get(outputKey(target));
    if (!what) {
      const info = await stat(target).catch(() => undefined);
      if (info) what = identities.get(`${info.dev}:${info.ino}`);
    }
    if (what) {
      throw new UsageError(
        `line ${job.line}: the output '${join(shownOutDir, job.output)}' is ${what}, which this batch reads; it is never overwritten, even with --force.`,
        'Give the line another "output", or use another --out-dir.',
        'output_is_input',
      );
    }
  }
}
