'use client';
import type { ErrorDescription, UseCreateVideoResult } from '@sora-kit/react';

/** The fields of the form, where their errors are shown instead of here. */
export const FORM_FIELDS: readonly string[] = ['prompt', 'model', 'seconds', 'size', 'input_reference'];

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
      return `Done: a ${job.video.seconds} s video, ${job.video.size}`;
    case 'failed':
      return 'Failed';
    case 'expired':
      return 'Expired';
    default:
      return `Status: ${job.status}`;
  }
}

interface JobProgressProps {
  job: UseCreateVideoResult;
  /** `job.error` in words. */
  problem: ErrorDescription | undefined;
  onCancel: () => void;
}

/**
 * The followed job: a progress bar, its status (announced politely to screen readers), the time left as
 * estimated from the progress rate, Cancel (which deletes it), and why it stopped, if it did. An error
 * that names a form field is shown at the field, not here.
 */
export function JobProgress({ job, problem, onCancel }: JobProgressProps) {
  const general = problem && !FORM_FIELDS.includes(problem.field ?? '') ? problem : undefined;
  if (!job.video && !job.isCreating && !general) return null;
  const seconds = job.isPending && job.etaMs !== undefined ? Math.ceil(job.etaMs / 1000) : undefined;
  const status = describe(job);
  return (
    <div className="job" data-status={job.isCreating ? 'creating' : (job.status ?? 'unknown')}>
      {job.video || job.isCreating ? (
        <progress
          max={100}
          value={job.progress ?? 0}
          aria-label="Progress"
          aria-valuetext={`${job.progress ?? 0} %${seconds !== undefined ? `, about ${seconds} s left` : ''}`}
        />
      ) : null}
      <p className="job-line">
        {/* Announces the status; the percent moves too often to be read out, the bar carries it. */}
        <span role="status" aria-live="polite">
          {job.status === 'in_progress' ? 'Rendering' : status}
        </span>
        {job.status === 'in_progress' ? (
          <span aria-hidden="true" className="percent">
            {job.progress ?? 0} %
          </span>
        ) : null}
        {seconds !== undefined ? <span className="eta">about {seconds} s left</span> : null}
        {job.video ? <code className="job-id">{job.video.id}</code> : null}
      </p>
      {general ? (
        <div className="problem">
          <p role="alert" className="error">
            {general.message}
          </p>
          <details>
            <summary>Details</summary>
            <code>{general.details}</code>
          </details>
        </div>
      ) : null}
      {job.isPending && job.video ? (
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
