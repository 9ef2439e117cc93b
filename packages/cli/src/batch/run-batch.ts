/**
 * Runs the jobs of a batch with at most `concurrency` in flight, each through create → poll → download,
 * recording every step in the manifest before taking the next, so that a rerun resumes where any crash
 * left off:
 *
 * - a line with no record is created (after a `creating` record with its Idempotency-Key);
 * - `creating` without `created` (a crash during the request) is created again with the same key, which
 *   the server answers with the job it already made;
 * - `created` is polled, `completed` downloaded, `downloaded` skipped (downloaded again if the file is gone),
 *   `failed` reported and never created again.
 *
 * Jobs that only need a download go first, then the ones running on the server, then new ones: content
 * links expire about an hour after completion.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  APIUserAbortError,
  AuthenticationError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type Video,
  VideoFailedError,
} from '@sora-kit/core';
import type { Context } from '../context.js';
import { downloadFile } from '../download-file.js';
import { loadInputReference } from '../input-image.js';
import type { Output } from '../output.js';
import { type BatchJob, readJobParams } from './jobs-file.js';
import type { LineState, Manifest } from './manifest.js';
import type { RateGate } from './rate-gate.js';

/** What happened to a job, for the display. */
export type JobEvent =
  | { type: 'created'; job: BatchJob; id: string; resumed: boolean }
  | { type: 'progress'; job: BatchJob; id: string; status: string; progress: number | undefined }
  | { type: 'completed'; job: BatchJob; id: string }
  | { type: 'downloaded'; job: BatchJob; id: string; path: string; bytes: number }
  | { type: 'skipped'; job: BatchJob; id: string; path: string }
  | { type: 'failed'; job: BatchJob; id: string; code: string; message: string; earlier?: boolean }
  | { type: 'error'; job: BatchJob; id: string | undefined; message: string };

export interface BatchSummary {
  total: number;
  downloaded: number;
  failed: number;
  /** Lines that hit an error this run (network, API refusal); a rerun retries them. */
  errors: number;
  /** Lines not finished because the run was interrupted (or stopped by a fatal error). */
  pending: number;
}

export interface RunBatchOptions {
  concurrency: number;
  /** The jobs file, from which each line's parameters are read when its job is created. */
  jobsFile: string;
  /** For the `--verbose` lines of downloads. */
  out: Output;
  outDir: string;
  signal: AbortSignal;
  onEvent: (event: JobEvent) => void;
  /** How many consecutive 429 errors (after core's own retries) one step survives. Default 30. */
  maxRateLimitErrors?: number;
}

/** Thrown out of `runBatch` when an error makes every other job pointless (a refused key). */
export class FatalBatchError extends Error {
  constructor(override readonly cause: unknown) {
    super((cause as Error).message);
  }
}

type Outcome = 'downloaded' | 'failed' | 'error' | 'pending';

export async function runBatch(
  ctx: Context,
  jobs: BatchJob[],
  manifest: Manifest,
  gate: RateGate,
  options: RunBatchOptions,
): Promise<BatchSummary> {
  const { signal, onEvent } = options;
  let fatal: unknown;
  const stopping = () => signal.aborted || fatal !== undefined;
  const outcomes = new Map<number, Outcome>();

  /** Runs `step`, retrying it after the gate opens while it ends in a 429 (core already retried it). */
  const rateLimited = async <T>(step: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (!RateLimitError.isInstance(error) || attempt >= (options.maxRateLimitErrors ?? 30) || stopping())
          throw error;
        // A 429 the gate did not see (a download's) closes it now.
        if (gate.openAt <= Date.now()) gate.limit(error.headers ?? new Headers());
        await gate.wait(signal);
      }
    }
  };

  const stateOf = (job: BatchJob): LineState | undefined => manifest.lines.get(job.line);

  const runJob = async (job: BatchJob): Promise<Outcome> => {
    let state = stateOf(job);
    if (state?.status === 'failed') {
      const { code, message } = state.error ?? { code: 'failed', message: 'the job failed' };
      onEvent({ type: 'failed', job, id: state.id!, code, message, earlier: true });
      return 'failed';
    }
    const path = join(options.outDir, job.output);
    if (state?.status === 'downloaded') {
      if (await exists(path)) {
        onEvent({ type: 'skipped', job, id: state.id!, path });
        return 'downloaded';
      }
      state.status = 'completed'; // the file was removed since: fetch it again
    }

    if (!state || state.status === 'creating') {
      if (stopping()) return 'pending';
      // The line is read again (the file is never held whole), and must still be what was checked.
      const lineParams = await readJobParams(options.jobsFile, job);
      const key = state?.idempotencyKey ?? manifest.idempotencyKey(job.line, job.hash);
      if (!state)
        await manifest.append({ type: 'creating', line: job.line, hash: job.hash, idempotency_key: key });
      const params = {
        ...lineParams,
        ...(job.inputReference && {
          input_reference: await loadInputReference(job.inputReference, lineParams.size),
        }),
      };
      // No abort signal: a create under way when Ctrl-C comes is let finish, so that its id is recorded.
      const video = await rateLimited(() => ctx.client.videos.create(params, { idempotencyKey: key }));
      await manifest.append({ type: 'created', line: job.line, hash: job.hash, id: video.id });
      onEvent({ type: 'created', job, id: video.id, resumed: state !== undefined });
      state = stateOf(job)!;
    }
    const id = state.id!;

    if (state.status === 'created') {
      if (stopping()) return 'pending';
      let video: Video;
      try {
        video = await rateLimited(() =>
          ctx.client.videos.poll(id, {
            signal,
            onProgress: (e) =>
              onEvent({
                type: 'progress',
                job,
                id,
                status: e.status === 'unknown' ? e.rawStatus : e.status,
                progress: e.progress,
              }),
          }),
        );
      } catch (error) {
        if (!VideoFailedError.isInstance(error)) throw error;
        const { code, message } = error.video.error ?? {
          code: String(error.video.status),
          message: `the job ended ${error.video.status}`,
        };
        await manifest.append({ type: 'failed', line: job.line, id, error: { code, message } });
        onEvent({ type: 'failed', job, id, code, message });
        return 'failed';
      }
      await manifest.append({ type: 'completed', line: job.line, id, expires_at: video.expires_at ?? null });
      onEvent({ type: 'completed', job, id });
    }

    if (stopping()) return 'pending';
    let bytes: number;
    try {
      // The file is this line's (the manifest has its job): replace a copy left by a run killed after the
      // rename but before the `downloaded` record.
      // Downloads do not go through the gated fetch (core streams them over Node's http client): they
      // wait at the gate here, and a 429 they get closes it in `rateLimited`.
      ({ bytes } = await rateLimited(async () => {
        await gate.wait(signal);
        return downloadFile(ctx, options.out, id, path, { signal, overwrite: true });
      }));
    } catch (error) {
      const expiresAt = stateOf(job)?.expiresAt;
      if (NotFoundError.isInstance(error) && typeof expiresAt === 'number' && Date.now() / 1000 > expiresAt) {
        const failure = {
          code: 'content_expired',
          message: `the content expired at ${new Date(expiresAt * 1000).toISOString()} before it was downloaded`,
        };
        await manifest.append({ type: 'failed', line: job.line, id, error: failure });
        onEvent({ type: 'failed', job, id, ...failure });
        return 'failed';
      }
      throw error;
    }
    await manifest.append({ type: 'downloaded', line: job.line, id, file: job.output, bytes });
    onEvent({ type: 'downloaded', job, id, path, bytes });
    return 'downloaded';
  };

  // Downloads first (links expire), then jobs already on the server, then new ones.
  const rank = (job: BatchJob) => {
    const status = stateOf(job)?.status;
    return status === 'completed' || status === 'downloaded'
      ? 0
      : status === 'created' || status === 'creating'
        ? 1
        : 2;
  };
  const queue = [...jobs].sort((a, b) => rank(a) - rank(b) || a.line - b.line);

  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      try {
        outcomes.set(job.line, await runJob(job));
      } catch (error) {
        if (signal.aborted || APIUserAbortError.isInstance(error)) {
          outcomes.set(job.line, 'pending');
          continue;
        }
        if (AuthenticationError.isInstance(error) || PermissionDeniedError.isInstance(error)) {
          fatal ??= error;
          outcomes.set(job.line, 'pending');
          continue;
        }
        outcomes.set(job.line, 'error');
        onEvent({ type: 'error', job, id: stateOf(job)?.id, message: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, jobs.length) }, worker));
  if (fatal !== undefined) throw new FatalBatchError(fatal);

  const count = (outcome: Outcome) =>
    jobs.filter((job) => (outcomes.get(job.line) ?? 'pending') === outcome).length;
  return {
    total: jobs.length,
    downloaded: count('downloaded'),
    failed: count('failed'),
    errors: count('error'),
    pending: count('pending'),
  };
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}
