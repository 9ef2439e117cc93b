import type { Video } from '@sora-kit/core';

/** An error in words for the person using the app, as {@link describeError} gives it. */
export interface ErrorDescription {
  /**
   * The request field at fault (`prompt`, `size`, `seconds`, `model`, `input_reference`, …) when the error
   * names one: show the message at that field. Undefined for an error of the whole request or job.
   */
  readonly field: string | undefined;
  /** One or two plain sentences: no status code, no class name, no quoting of the field's name. */
  readonly message: string;
  /** The error's full text, for developers (a `<details>` disclosure, the console). */
  readonly details: string;
}

/** The fields core's errors may carry, read without importing the classes (no bytes in a page that skips this). */
interface ErrorFields {
  name?: unknown;
  message?: unknown;
  /** ValidationError: the field, the value given and what is allowed. */
  field?: unknown;
  value?: unknown;
  allowed?: unknown;
  /** APIError: status and the answer's `error` object. */
  status?: unknown;
  param?: unknown;
  error?: { message?: unknown } | undefined;
  /** VideoFailedError, PollTimeoutError: the job as last seen. */
  video?: Video | undefined;
}

/** What a failed job's `error.code` means. */
const FAILURES: Record<string, string> = {
  moderation_blocked: 'It was blocked by content moderation. Try a different prompt.',
  expired: 'It expired: the service no longer keeps it. Generate it again.',
};

/** Plain names of the request fields, as a form labels them. */
const LABELS: Record<string, string> = {
  prompt: 'the prompt',
  model: 'the model',
  seconds: 'the length',
  size: 'the size',
  input_reference: 'the first frame',
};

const sentence = (text: string) => {
  const trimmed = text.trim().replace(/^\w/, (c) => c.toUpperCase());
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

/**
 * Why a job ended without a video, in words: moderation, expiry, or the service's own failure (with its
 * message). For a `failed` or `expired` video (from `useVideo`, a list, a webhook).
 *
 * @example
 * {video.status === 'failed' ? <p>{describeFailure(video)}</p> : null}
 */
export function describeFailure(video: Pick<Video, 'status' | 'error'>): string {
  const code = video.error?.code ?? String(video.status);
  const known = FAILURES[code];
  if (known) return known;
  const said = typeof video.error?.message === 'string' ? ` It said: ${sentence(video.error.message)}` : '';
  return video.status === 'failed'
    ? `The video service could not make this video.${said}`
    : `It ended without a video (${code}).${said}`;
}

/**
 * Turns an error of `@sora-kit/core` (from `useCreateVideo`, `useVideo`, `useVideos`, a direct call) into
 * what a person should read, and where: `field` names the form field at fault when the error names one
 * (core's `ValidationError` before any request, or a server's `error.param`), and `message` says what to
 * do in plain words, without the status code. `details` keeps the full text. Undefined for no error and
 * for a cancel (`APIUserAbortError`), which is what the user asked for.
 *
 * @example
 * const problem = describeError(job.error);
 * <textarea aria-invalid={problem?.field === 'prompt'} … />
 * {problem?.field === 'prompt' ? <p className="field-error">{problem.message}</p> : null}
 */
export function describeError(error: unknown): ErrorDescription | undefined {
  if (!error) return undefined;
  const e = (typeof error === 'object' ? error : { message: String(error) }) as ErrorFields;
  const name = String(e.name ?? '');
  const details = `${name ? `${name}: ` : ''}${String(e.message ?? error)}`;
  const say = (message: string, field?: unknown): ErrorDescription => ({
    field: typeof field === 'string' && field ? field : undefined,
    message,
    details,
  });
  if (name === 'APIUserAbortError') return undefined;
  if (name === 'ValidationError') {
    const label = LABELS[String(e.field)] ?? `'${String(e.field)}'`;
    // (Core shows a blank prompt as its length, `'4 whitespace characters'`, never as the spaces.)
    if (e.field === 'prompt' && /^(\s*|\d+ whitespace characters|0 characters)$/.test(String(e.value))) {
      return say('Describe the video first: the prompt is empty.', e.field);
    }
    return say(sentence(`${label} must be ${String(e.allowed)}`), e.field);
  }
  if (name === 'VideoFailedError' && e.video) return say(describeFailure(e.video));
  if (name === 'PollTimeoutError') {
    return say('It is taking longer than expected. It may still finish: check “My videos” later.');
  }
  if (name === 'NotFoundError') return say('This video no longer exists: it was deleted or has expired.');
  if (name === 'AuthenticationError' || name === 'PermissionDeniedError') {
    return say('You are not allowed to do this. Sign in again, or ask for access.');
  }
  if (name === 'RateLimitError') return say('Too many requests right now. Wait a moment and try again.');
  if (name === 'APIConnectionTimeoutError' || name === 'APIConnectionError') {
    return say('The video service could not be reached. Check the connection and try again.');
  }
  if (name === 'InternalServerError') return say('The video service had a problem. Try again in a moment.');
  // An answer that names a field (400, 422, …): the server's own sentence, without the status and the
  // "Invalid 'x':" prefix (the field is shown by where the message is).
  const said = typeof e.error?.message === 'string' ? e.error.message : String(e.message ?? error);
  const plain = said.replace(/^\d{3} /, '').replace(/^Invalid (value for )?'[^']*'[:.]\s*/i, '');
  const sizes = /the image is (\d+x\d+), but 'size' is (\d+x\d+)/.exec(plain);
  if (sizes) {
    return say(
      `The first frame must be exactly the video's size, ${sizes[2]}; this image is ${sizes[1]}.`,
      e.param,
    );
  }
  return say(sentence(plain), e.param);
}
