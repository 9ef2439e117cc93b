/**
 * Video jobs and their lifecycle. A job's state is a pure function of the clock: `queued` for the first
 * 15 % of the job time, then `in_progress` with `progress` rising linearly, then `completed` (or, for a
 * moderated prompt, `failed` half way). Deriving the state at read time keeps every poll exact and
 * needs no timer per job; a timer is armed only to announce the end (webhooks).
 */
import type { VideoDuration, VideoError, VideoSize } from './generated/openapi.js';
import { newVideoId } from './ids.js';
import { moderate } from './moderation.js';

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
  status: 'queued' | 'in_progress' | 'completed' | 'failed';
  progress: number;
  /** When the job completed (ms), once it has. */
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

const QUEUED_SHARE = 0.15;
const FAIL_SHARE = 0.5;

export class JobStore {
  readonly #jobs = new Map<string, Job>();
  /** Every id ever issued, deleted ones too, so that a cursor pointing at a deleted job still works. */
  readonly #seqById = new Map<string, number>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #nextSeq = 0;

  constructor(
    private readonly jobMs: number,
    private readonly now: () => number = Date.now,
    private readonly onSettled?: SettledListener,
  ) {}

  create(params: NewJob): Job {
    const job: Job = {
      id: newVideoId(),
      seq: this.#nextSeq++,
      createdAtMs: this.now(),
      model: params.model,
      seconds: params.seconds,
      size: params.size,
      prompt: params.prompt,
      remixedFromVideoId: params.remixedFromVideoId ?? null,
      blocked: moderate(params.prompt),
    };
    this.#jobs.set(job.id, job);
    this.#seqById.set(job.id, job.seq);
    if (this.onSettled) this.#armSettledTimer(job, this.onSettled);
    return job;
  }

  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /** Removes a job; `false` when there was none. */
  delete(id: string): boolean {
    return this.#jobs.delete(id);
  }

  /** Whether `id` was ever issued (the job may be deleted since). */
  known(id: string): boolean {
    return this.#seqById.has(id);
  }

  get size(): number {
    return this.#jobs.size;
  }

  /** The state of `job` now (or at `atMs`). */
  state(job: Job, atMs: number = this.now()): JobState {
    const elapsed = atMs - job.createdAtMs;
    const queuedMs = this.jobMs * QUEUED_SHARE;
    const runMs = this.jobMs - queuedMs;
    const progressAt = (ms: number) =>
      runMs <= 0 ? 0 : Math.min(99, Math.max(0, Math.floor(((ms - queuedMs) / runMs) * 100)));
    if (job.blocked && elapsed >= this.jobMs * FAIL_SHARE) {
      return {
        status: 'failed',
        progress: progressAt(this.jobMs * FAIL_SHARE),
        completedAtMs: null,
        error: job.blocked,
      };
    }
    if (elapsed >= this.jobMs) {
      return { status: 'completed', progress: 100, completedAtMs: job.createdAtMs + this.jobMs, error: null };
    }
    if (elapsed < queuedMs) return { status: 'queued', progress: 0, completedAtMs: null, error: null };
    return { status: 'in_progress', progress: progressAt(elapsed), completedAtMs: null, error: null };
  }

  /**
   * A page of live jobs in creation order (`asc`) or its reverse (`desc`), starting after the job
   * `after` (which may have been deleted since). `undefined` when `after` was never issued.
   */
  list(query: { after?: string; limit: number; order: 'asc' | 'desc' }): JobPage | undefined {
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

  #armSettledTimer(job: Job, listener: SettledListener): void {
    const endMs = job.blocked ? this.jobMs * FAIL_SHARE : this.jobMs;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      // A job deleted before it settled announces nothing.
      if (!this.#jobs.has(job.id)) return;
      listener(job, this.state(job, job.createdAtMs + endMs));
    }, endMs);
    this.#timers.add(timer);
  }
}
