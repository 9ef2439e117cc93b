/**
 * Video jobs and their lifecycle. A job's state is a pure function of the clock: `queued` for the first
 * 15 % of the job time, then `in_progress` with `progress` rising linearly, then `completed` (or, for a
 * moderated prompt, `failed` half way), then `expired` once its `expires_at` has passed. Deriving the
 * state at read time keeps every poll exact and needs no timer per job; a timer is armed only to
 * announce the end (webhooks).
 *
 * The store is bounded: at most `maxJobs` jobs (the oldest is dropped to make room), and the cursors of
 * as many removed jobs. A job's media goes (`onMediaGone`) when the job is removed or expires.
 */
import type { VideoDuration, VideoError, VideoSize } from './generated/openapi.js';
import { newVideoId } from './ids.js';
import { moderate } from './moderation.js';
import { resolvePointer } from './operations.js';

/**
 * The spec's own spelling of every known model, size and duration. A job keeps these shared strings
 * rather than its request's copies: ten thousand jobs would otherwise hold thirty thousand duplicates.
 */
const CANONICAL: ReadonlyMap<string, string> = new Map(
  ['KnownVideoModel', 'VideoSize', 'VideoSeconds']
    .flatMap((name) => (resolvePointer(`#/components/schemas/${name}`) as { enum: string[] }).enum)
    .map((value) => [value, value]),
);
const canonical = <T extends string>(value: T): T => (CANONICAL.get(value) as T | undefined) ?? value;

/** A job as the emulator stores it. */
export interface Job {
  readonly id: string;
  /** Creation order; breaks ties between jobs created in the same millisecond, and orders lists. */
  readonly seq: number;
  readonly createdAtMs: number;
  readonly model: string;
  /** Whole seconds as a string: the requested `VideoSeconds`, or an extension's stitched total. */
  readonly seconds: VideoDuration;
  readonly size: VideoSize;
  readonly prompt: string;
  readonly remixedFromVideoId: string | null;
  /** Set when the prompt trips moderation: the job fails with it half way. */
  readonly blocked: VideoError | null;
}

/** What a job is at one instant. */
export interface JobState {
  status: 'queued' | 'in_progress' | 'completed' | 'failed' | 'expired';
  progress: number;
  /** When the job completed (ms), once it has (`expired` jobs too). */
  completedAtMs: number | null;
  error: VideoError | null;
}

/** The parameters of a new job, already validated. */
export interface NewJob {
  model: string;
  seconds: VideoDuration;
  size: VideoSize;
  prompt: string;
  remixedFromVideoId?: string | null;
}

/** One page of a list. */
export interface JobPage {
  data: Job[];
  hasMore: boolean;
}

/** Called once when a job reaches `completed` or `failed`. */
export type SettledListener = (job: Job, state: JobState) => void;

/** How a store behaves. */
export interface JobStoreOptions {
  /** Time from create to completion, in ms. */
  jobMs: number;
  /** Seconds from completion to `expires_at` (counted from the completion second, as `expires_at` is). */
  contentTtlSeconds: number;
  /** Jobs kept; creating one more drops the oldest. */
  maxJobs: number;
  /** The clock. Default `Date.now`. */
  now?: () => number;
  /** Called once when a job reaches `completed` or `failed` (arms a timer per job). */
  onSettled?: SettledListener;
  /** Called when a job's media can go: it was deleted or dropped, or its content expired. */
  onMediaGone?: (jobId: string) => void;
}

const QUEUED_SHARE = 0.15;
const FAIL_SHARE = 0.5;

export class JobStore {
  readonly #jobs = new Map<string, Job>();
  /**
   * The creation order of live jobs and of the last `maxJobs` removed ones, so that a cursor pointing
   * at a job deleted (or dropped) since still pages from where it was.
   */
  readonly #seqById = new Map<string, number>();
  /** Removed ids whose cursor is still kept, oldest first. */
  readonly #removed = new Set<string>();
  /**
   * Live jobs whose content has yet to expire, oldest first. Every job of a store completes after the
   * same time and expires after the same TTL, so creation order is expiry order: the sweep only ever
   * looks at the first, and costs nothing per request when nothing expires.
   */
  readonly #expiring = new Set<Job>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #nextSeq = 0;
  readonly #jobMs: number;
  readonly #contentTtlSeconds: number;
  readonly #maxJobs: number;
  readonly #now: () => number;
  readonly #onSettled: SettledListener | undefined;
  readonly #onMediaGone: (jobId: string) => void;

  constructor(options: JobStoreOptions) {
    this.#jobMs = options.jobMs;
    this.#contentTtlSeconds = options.contentTtlSeconds;
    this.#maxJobs = options.maxJobs;
    this.#now = options.now ?? Date.now;
    this.#onSettled = options.onSettled;
    this.#onMediaGone = options.onMediaGone ?? (() => {});
  }

  create(params: NewJob): Job {
    this.#sweep();
    while (this.#jobs.size >= this.#maxJobs) {
      const oldest = this.#jobs.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
    const job: Job = {
      id: newVideoId(),
      seq: this.#nextSeq++,
      createdAtMs: this.#now(),
      model: canonical(params.model),
      seconds: canonical(params.seconds),
      size: canonical(params.size),
      prompt: params.prompt,
      remixedFromVideoId: params.remixedFromVideoId ?? null,
      blocked: moderate(params.prompt),
    };
    this.#jobs.set(job.id, job);
    this.#seqById.set(job.id, job.seq);
    if (!job.blocked) this.#expiring.add(job);
    if (this.#onSettled) this.#armSettledTimer(job, this.#onSettled);
    return job;
  }

  get(id: string): Job | undefined {
    this.#sweep();
    return this.#jobs.get(id);
  }

  /** Removes a job (and lets its media go); `false` when there was none. */
  delete(id: string): boolean {
    const job = this.#jobs.get(id);
    if (!job) return false;
    this.#jobs.delete(id);
    this.#expiring.delete(job);
    this.#onMediaGone(id);
    this.#removed.add(id);
    if (this.#removed.size > this.#maxJobs) {
      const forgotten = this.#removed.values().next().value as string;
      this.#removed.delete(forgotten);
      this.#seqById.delete(forgotten);
    }
    return true;
  }

  /** Whether `id` is live or among the last `maxJobs` removed ones (whose cursor still pages). */
  known(id: string): boolean {
    return this.#seqById.has(id);
  }

  get size(): number {
    return this.#jobs.size;
  }

  /** When the content of `job` expires (ms): `expires_at` of the Video, the completion second plus the TTL. */
  expiresAtMs(job: Job): number {
    return (Math.floor((job.createdAtMs + this.#jobMs) / 1000) + this.#contentTtlSeconds) * 1000;
  }

  /** The state of `job` now (or at `atMs`). */
  state(job: Job, atMs: number = this.#now()): JobState {
    const jobMs = this.#jobMs;
    const elapsed = atMs - job.createdAtMs;
    const queuedMs = jobMs * QUEUED_SHARE;
    const runMs = jobMs - queuedMs;
    const progressAt = (ms: number) =>
      runMs <= 0 ? 0 : Math.min(99, Math.max(0, Math.floor(((ms - queuedMs) / runMs) * 100)));
    if (job.blocked && elapsed >= jobMs * FAIL_SHARE) {
      return {
        status: 'failed',
        progress: progressAt(jobMs * FAIL_SHARE),
        completedAtMs: null,
        error: job.blocked,
      };
    }
    if (elapsed >= jobMs) {
      const status = atMs >= this.expiresAtMs(job) ? 'expired' : 'completed';
      return { status, progress: 100, completedAtMs: job.createdAtMs + jobMs, error: null };
    }
    if (elapsed < queuedMs) return { status: 'queued', progress: 0, completedAtMs: null, error: null };
    return { status: 'in_progress', progress: progressAt(elapsed), completedAtMs: null, error: null };
  }

  /**
   * A page of live jobs in creation order (`asc`) or its reverse (`desc`), starting after the job
   * `after` (which may have been deleted since). `undefined` when `after` was never issued.
   */
  list(query: { after?: string; limit: number; order: 'asc' | 'desc' }): JobPage | undefined {
    this.#sweep();
    let afterSeq: number | undefined;
    if (query.after !== undefined) {
      afterSeq = this.#seqById.get(query.after);
      if (afterSeq === undefined) return undefined;
    }
    const all = [...this.#jobs.values()];
    if (query.order === 'desc') all.reverse();
    const start =
      afterSeq === undefined
        ? 0
        : all.findIndex((job) => (query.order === 'asc' ? job.seq > afterSeq : job.seq < afterSeq));
    const rest = start === -1 ? [] : all.slice(start);
    return { data: rest.slice(0, query.limit), hasMore: rest.length > query.limit };
  }

  /** Cancels the pending end-of-job timers (the store stays readable). */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Lets the media of every job whose content has expired go (each once). */
  #sweep(): void {
    if (this.#expiring.size === 0) return;
    const now = this.#now();
    for (const job of this.#expiring) {
      if (now < this.expiresAtMs(job)) return;
      this.#expiring.delete(job);
      this.#onMediaGone(job.id);
    }
  }

  #armSettledTimer(job: Job, listener: SettledListener): void {
    const endMs = job.blocked ? this.#jobMs * FAIL_SHARE : this.#jobMs;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      // A job deleted before it settled announces nothing.
      if (!this.#jobs.has(job.id)) return;
      listener(job, this.state(job, job.createdAtMs + endMs));
    }, endMs);
    this.#timers.add(timer);
  }
}
