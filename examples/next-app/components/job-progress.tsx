'use client';
import type { UseCreateVideoResult } from '@sora-kit/react';

/** What the job is doing, in words. */
function describe(job: UseCreateVideoResult): string {
  if (job.isCreating) return 'Starting…';
  if (!job.video) return 'Not started';
  switch (job.status) {
    case 'queued':
      return 'Queued';
    case 'in_progress':
      return `Rendering ${job.progress ?? 0} %`;
    case 'completed':
      return 'Done';
    case 'failed':
      return 'Failed';
    case 'expired':
      return 'Expired';
    default:
      return `Status: ${job.status}`;
  }
}

/** The followed job: a progress bar, the time left as estimated from the progress rate, and Cancel (which deletes it). */
export function JobProgress({ job, onCancel }: { job: UseCreateVideoResult; onCancel: () => void }) {
  if (!job.video && !job.isCreating && !job.error) return null;
  const seconds = job.isPending && job.etaMs !== undefined ? Math.ceil(job.etaMs / 1000) : undefined;
  return (
    <div className="job" data-status={job.isCreating ? 'creating' : (job.status ?? 'unknown')}>
      {job.video || job.isCreating ? (
        <progress max={100} value={job.progress ?? 0} aria-label="Progress" />
      ) : null}
      <p className="job-line">
        <span role="status">{describe(job)}</span>
        {seconds !== undefined ? <span className="eta">about {seconds} s left</span> : null}
        {job.video ? <code className="job-id">{job.video.id}</code> : null}
      </p>
      {job.error ? (
        <p role="alert" className="error">
          {job.error.message}
        </p>
      ) : null}
      {job.isPending && job.video ? (
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
