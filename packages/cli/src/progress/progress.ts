/** What a command tells its progress display; one implementation per output mode. */

/** The part of a Video a display shows. */
export interface JobState {
  id: string;
  status: string;
  progress?: number | null;
}

export interface ProgressReporter {
  /** A new state of the job, from a poll. */
  job(state: JobState): void;
  /** Bytes of the download so far (`total` when the server said). */
  download(received: number, total: number | undefined): void;
  /** Stops the display (clearing a redrawn line) so that the caller can print the outcome. */
  stop(): void;
}

/** `--quiet`: shows nothing. */
export const silentProgress: ProgressReporter = {
  job() {},
  download() {},
  stop() {},
};
