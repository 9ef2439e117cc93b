/**
 * Edits and extensions: new jobs made from a source video, which is either a completed job
 * (`video: {id}`, or the form field `video[id]`) or an uploaded MP4. A job source lends its model, size
 * and duration; an uploaded file lends the duration its movie header states, and the spec's defaults
 * stand in for the rest (and for a duration the header does not give).
 */
import type { Context } from 'hono';
import { badRequest } from '../errors.js';
import type { VideoDuration, VideoReference, VideoSeconds } from '../generated/openapi.js';
import type { NewJob } from '../jobs.js';
import { MAX_RENDER_SECONDS } from '../media/index.js';
import { jobDefaults } from '../operations.js';
import type { AppEnv, EmulatorState } from '../state.js';
import { checkVideoUpload } from '../uploads.js';
import {
  completedJob,
  findJob,
  idempotently,
  type OperationHandlers,
  validBody,
  validParameters,
  videoResponse,
} from './http.js';

/** An edit or extension body as handlers see it (a form's `video[id]` decoded to `video: {id}`). */
interface DerivedBody {
  prompt: string;
  /** A completed job, or (a form's file part) the file's placeholder: its bytes are in `files`. */
  video: VideoReference | string;
  /** The extension's new segment; required by the spec for extensions, absent for edits. */
  seconds?: VideoSeconds;
}

export function derivedHandlers(state: EmulatorState): Pick<OperationHandlers, 'editVideo' | 'extendVideo'> {
  const defaults = jobDefaults();

  /** What a job's source lends it: a completed job's model, size and duration, or an upload's. */
  type Source = { model: string; size: NewJob['size']; seconds: VideoDuration };

  /** An uploaded source: its duration from its movie header when stated, the spec's defaults otherwise. */
  async function uploadedSource(file: File | undefined): Promise<Source> {
    const seconds = await checkVideoUpload(file, 'video');
    return { ...defaults, seconds: seconds === undefined ? defaults.seconds : String(seconds) };
  }

  /**
   * The new job's parameters. An edit lasts as long as its source; an extension reports the stitched
   * total (source + new segment), as OpenAI does, and its media last that long.
   */
  function derive(body: DerivedBody, kind: 'edited' | 'extended', upload: Source | undefined): NewJob {
    const base =
      typeof body.video === 'object' ? completedJob(state, body.video.id, 'video.id', kind) : upload;
    if (!base) throw new Error('an uploaded source was not read');
    const total = Number(base.seconds) + (kind === 'extended' ? Number(body.seconds) : 0);
    if (total > MAX_RENDER_SECONDS) {
      const param = kind === 'extended' ? 'seconds' : 'video';
      throw badRequest(
        `Invalid '${param}': the ${kind} video would last ${total} seconds; this emulator renders at most ${MAX_RENDER_SECONDS}.`,
        param,
        'video_too_long',
      );
    }
    return { prompt: body.prompt, model: base.model, size: base.size, seconds: String(total) };
  }

  async function handle(c: Context<AppEnv>, id: 'editVideo' | 'extendVideo', kind: 'edited' | 'extended') {
    validParameters(c, state, id);
    const body = await validBody<DerivedBody>(c, state, id);
    const upload =
      typeof body.value.video === 'object' ? undefined : await uploadedSource(body.files.get('video'));
    return idempotently(
      c,
      state,
      body,
      () => state.jobs.create(derive(body.value, kind, upload)).id,
      (jobId) => videoResponse(c, state, findJob(state, jobId)),
    );
  }

  return {
    editVideo: (c) => handle(c, 'editVideo', 'edited'),
    extendVideo: (c) => handle(c, 'extendVideo', 'extended'),
  };
}
