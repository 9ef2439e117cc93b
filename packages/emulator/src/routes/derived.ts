/**
 * Edits and extensions: new jobs made from a source video, which is either a completed job
 * (`video: {id}`) or an uploaded MP4. A job source lends its model and size; an uploaded file has
 * neither that the emulator reads, so the spec's defaults apply.
 */
import type { Context } from 'hono';
import type {
  EditVideoBody,
  EditVideoMultipartBody,
  ExtendVideoBody,
  ExtendVideoMultipartBody,
  VideoSeconds,
} from '../generated/openapi.js';
import type { NewJob } from '../jobs.js';
import { jobDefaults } from '../operations.js';
import type { RequestBody } from '../request-body.js';
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

type DerivedBody = (EditVideoBody | EditVideoMultipartBody | ExtendVideoBody | ExtendVideoMultipartBody) & {
  seconds?: VideoSeconds;
};

export function derivedHandlers(state: EmulatorState): Pick<OperationHandlers, 'editVideo' | 'extendVideo'> {
  const defaults = jobDefaults();

  /**
   * The new job's parameters. An edit keeps the source's duration; an extension lasts the requested
   * `seconds` (the spec's `Video.seconds` only holds 4, 8 or 12, so no stitched total is reported).
   */
  function derive(body: RequestBody<DerivedBody>, kind: 'edited' | 'extended'): NewJob {
    const { prompt, video } = body.value;
    const base =
      typeof video === 'object'
        ? completedJob(state, video.id, 'video.id', kind)
        : { model: defaults.model, size: defaults.size, seconds: defaults.seconds };
    const seconds = kind === 'extended' ? (body.value.seconds ?? defaults.seconds) : base.seconds;
    return { prompt, model: base.model, size: base.size, seconds };
  }

  async function handle(c: Context<AppEnv>, id: 'editVideo' | 'extendVideo', kind: 'edited' | 'extended') {
    validParameters(c, state, id);
    const body = await validBody<DerivedBody>(c, state, id);
    if (typeof body.value.video !== 'object') await checkVideoUpload(body.files.get('video'), 'video');
    return idempotently(
      c,
      state,
      body,
      () => state.jobs.create(derive(body, kind)).id,
      (jobId) => videoResponse(c, state, findJob(state, jobId)),
    );
  }

  return {
    editVideo: (c) => handle(c, 'editVideo', 'edited'),
    extendVideo: (c) => handle(c, 'extendVideo', 'extended'),
  };
}
