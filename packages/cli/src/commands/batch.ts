/** `sora-kit batch <prompts.jsonl>`: many jobs, at most --concurrency at a time, resumable by rerunning. */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BatchDisplay } from '../batch/batch-display.js';
import { readJobsFile } from '../batch/jobs-file.js';
import { MANIFEST_FILE, Manifest, readManifestState } from '../batch/manifest.js';
import { prepareOutDir } from '../batch/out-dir.js';
import { RateGate } from '../batch/rate-gate.js';
import { refuseReadFilesAsOutputs } from '../batch/read-files.js';
import { FatalBatchError, runBatch } from '../batch/run-batch.js';
import { InterruptedError, UsageError } from '../cli-error.js';
import type { CommandEnv } from '../command-env.js';
import { type ApiOptions, openContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { shellQuote } from '../shell-quote.js';

interface BatchOptions extends ApiOptions {
  concurrency: number;
  maxLineBytes?: number;
  maxJobs?: number;
  outDir: string;
  force?: boolean;
}

export async function run(
  args: string[],
  options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const opts = options as unknown as BatchOptions;
  const { out, signal } = env;
  // On a shared queue (@sora-kit/queue): enqueue and follow, or print the counts.
  if (options.queue !== undefined) {
    const onQueue = await import('../queue/batch-on-queue.js');
    return args[0] === 'status' ? onQueue.status(options, env) : onQueue.enqueue(args[0] ?? '', options, env);
  }
  const jobsFile = resolve(args[0] ?? '');
  const outDir = resolve(opts.outDir);

  // 1. Every check before the first request: the jobs file, the manifest against it, existing files.
  const jobs = await readJobsFile(args[0] ?? '', { maxLineBytes: opts.maxLineBytes, maxJobs: opts.maxJobs });
  const known = await readManifestState(outDir);
  const changed = jobs.filter((job) => known.has(job.line) && known.get(job.line)!.hash !== job.hash);
  if (changed.length > 0) {
    throw new UsageError(
      `${changed.map((job) => `line ${job.line}`).join(', ')} of ${args[0]} changed since ${changed.length === 1 ? 'its job was' : 'their jobs were'} created (see ${join(opts.outDir, MANIFEST_FILE)}).`,
      'Restore the line(s), add new jobs as new lines, or use another --out-dir for a new batch.',
      'jobs_file_changed',
    );
  }
  await refuseReadFilesAsOutputs(jobs, outDir, opts.outDir, jobsFile);
  if (!opts.force) {
    const clashes: string[] = [];
    for (const job of jobs) {
      if (known.has(job.line)) continue; // its file is this batch's own
      if (await stat(join(outDir, job.output)).catch(() => undefined))
        clashes.push(`${job.output} (line ${job.line})`);
    }
    if (clashes.length > 0) {
      throw new UsageError(
        `${clashes.length} output file${clashes.length === 1 ? '' : 's'} in ${opts.outDir} already exist and are not in its manifest: ${clashes.slice(0, 5).join(', ')}${clashes.length > 5 ? ', …' : ''}.`,
        'Pass --force to overwrite them, or choose another --out-dir.',
        'file_exists',
      );
    }
  }
  // Every folder the batch writes, proved writable (and inside --out-dir) on the disk.
  await prepareOutDir(outDir, opts.outDir, jobs);

  // 2. The manifest (locked against a second run in the same folder) and a client behind the shared gate.
  // Partial files left by a killed run are removed by each download (see download-file.ts).
  const manifest = await Manifest.open(outDir, jobsFile);
  const display = new BatchDisplay(out, jobs.length);
  const gate = new RateGate({ onPause: (_until, delay) => display.rateLimited(delay) });
  let ctx: Awaited<ReturnType<typeof openContext>> | undefined;
  try {
    ctx = await openContext(opts, out, { wrapFetch: (f) => gate.wrap(f), embeddedEmulator: true });
    const resumed = jobs.filter((job) => known.has(job.line)).length;
    if (resumed > 0)
      display.note(
        `Resuming: ${resumed} of ${jobs.length} lines are in the manifest already; none is created again.`,
      );
    const summary = await runBatch(ctx, jobs, manifest, gate, {
      concurrency: opts.concurrency,
      jobsFile,
      out,
      outDir,
      signal,
      onEvent: (event) => display.event(event),
    });
    display.summary(summary, manifest.path);
    const again = `sora-kit batch ${shellQuote(args[0] ?? '')}${ctx.reachArgs} --out-dir ${shellQuote(opts.outDir)} --concurrency ${opts.concurrency}`;
    // Lines that hit an error have their job (if any) in the manifest: say how to finish them, even with -q.
    if (!signal.aborted && summary.errors > 0 && !ctx.embedded)
      out.error(
        `${summary.errors} line${summary.errors === 1 ? '' : 's'} hit an error; nothing is lost. Retry ${summary.errors === 1 ? 'it' : 'them'} with: ${again}`,
      );
    if (signal.aborted) {
      const pending = `${summary.pending} job${summary.pending === 1 ? '' : 's'} not finished`;
      throw new InterruptedError(
        ctx.embedded
          ? `Interrupted. ${pending}; they were on the embedded emulator, which stopped with this command, and its jobs with it (run \`sora-kit emulator\` in another terminal to keep jobs across runs).`
          : `Interrupted. ${pending} (those created keep rendering on the server). Resume with: ${again}`,
      );
    }
    return summary.failed + summary.errors + summary.pending > 0 ? ExitCode.Failed : ExitCode.Ok;
  } catch (error) {
    display.stop();
    throw error instanceof FatalBatchError ? error.cause : error;
  } finally {
    await manifest.close();
    await ctx?.close();
  }
}
