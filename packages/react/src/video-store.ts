import { createPollSchedule, type PollProgress, type SoraClient, type Video } from '@sora-kit/core';
import { followStream } from './event-stream.js';
import { pause } from './page-visibility.js';
import { perClient } from './per-client.js';
import { type Entry, sharedEntries } from './shared-entries.js';
import { EMPTY, isTerminal, stateOf, type VideoState } from './video-state.js';

interface Job extends Entry<VideoState> {
  /** The poll under way, if any. */
  run?: AbortController | undefined;
  /** Ends the poll's current wait (refresh). */
  wake?: (() => void) | undefined;
  /** Set by `seed`: the job was just created, so the first status request waits one interval. */
  fresh?: boolean | undefined;
  /** Resolves at the job's next answer (what a suspended render waits for). */
  next?: Promise<void> | undefined;
  settle?: (() => void) | undefined;
}

/** The jobs a client's hooks watch: one poller per job id, shared by every component watching it. */
export interface VideoStore {
  state(id: string): VideoState;
  subscribe(id: string, listener: () => void): () => void;
  /** Records a job just created, so watchers see it at once and polling starts one interval later. */
  seed(video: Video): void;
  /** Polls now: cuts the current wait short, or starts polling again after an error or the end. */
  refresh(id: string): void;
  /** Resolves at the job's next answer; keeps it polling meanwhile (and a little after, until it is watched). */
  nextAnswer(id: string): Promise<void>;
}

// How long a suspended render keeps its job polling after the answer it waited for: time for React to
// retry the render and commit it, whose subscription then takes over.
const SUSPENSE_HOLD_MS = 5_000;

/** The store of `client` (made on first use; one per client). */
export const videoStore: (client: SoraClient) => VideoStore = perClient(createVideoStore);

function createVideoStore(client: SoraClient): VideoStore {
  const jobs = sharedEntries<VideoState, Job>(
    () => ({ state: EMPTY, listeners: new Set(), holds: 0 }),
    (id, job) => poll(id, job),
    (_, job) => {
      const run = job.run;
      job.run = undefined;
      run?.abort();
    },
  );

  const publish = (job: Job, state: VideoState) => {
    jobs.set(job, state);
    job.settle?.();
    job.settle = job.next = undefined;
  };

  // Follows the job with core's poll: its progress-aware schedule, `openai-poll-after-ms`, gateway status
  // names. The clock is the page's: waits hold while the page is hidden. The state is published once per
  // status answer, at the wait that follows it (when the scheduler's estimate is known) or at the end.
  function poll(id: string, job: Job, force = false) {
    if (job.run || (!force && (isTerminal(job.state.status) || job.state.error?.name === 'NotFoundError'))) {
      return;
    }
    const run = new AbortController();
    job.run = run;
    let answer: PollProgress | undefined;
    let eta: number | undefined;
    const wait = (ms: number) =>
      pause(ms, run.signal, (now) => {
        job.wake = now;
      }).finally(() => {
        job.wake = undefined;
      });
    const watch = async () => {
      // The server's event stream when it has one: every change pushed, no polling; then one read (the
      // terminal state, from the server's store) settles the job the way polling would.
      const streamed = await followStream(client, id, run.signal, (state) => publish(job, state));
      // A job just created was answered a moment ago: ask again after the schedule's first interval.
      await wait(job.fresh && !streamed ? createPollSchedule()({ at: 0 }) : 0);
      job.fresh = false;
      return client.videos.poll(id, {
        signal: run.signal,
        timeout: Number.POSITIVE_INFINITY,
        onProgress: (event) => {
          answer = event;
        },
        onEstimate: (ms) => {
          eta = ms;
        },
        clock: {
          now: () => performance.now(),
          sleep: (ms) => {
            if (answer) publish(job, stateOf(answer.video, eta));
            return wait(ms);
          },
        },
      });
    };
    watch().then(
      (video) => {
        if (job.run !== run) return; // stopped, or replaced by a refresh
        job.run = undefined;
        publish(job, stateOf(video));
      },
      (error: Error & { video?: Video }) => {
        if (job.run !== run) return;
        job.run = undefined;
        const video = error.video ?? answer?.video ?? job.state.video;
        publish(job, video ? stateOf(video, eta, error) : { ...EMPTY, error });
      },
    );
  }

  return {
    state: (id) => jobs.get(id).state,
    subscribe: jobs.subscribe,
    seed(video) {
      const job = jobs.get(video.id);
      job.fresh = !job.run;
      publish(job, stateOf(video));
    },
    refresh(id) {
      const job = jobs.get(id);
      if (job.wake) return job.wake();
      if (job.run) return; // a request is under way
      if (job.state.error) jobs.set(job, { ...job.state, error: undefined });
      poll(id, job, true);
    },
    nextAnswer(id) {
      const job = jobs.get(id);
      if (!job.next) {
        job.next = new Promise((resolve) => {
          job.settle = resolve;
        });
        const release = jobs.hold(id);
        job.next.then(() => setTimeout(release, SUSPENSE_HOLD_MS));
      }
      return job.next;
    },
  };
}
