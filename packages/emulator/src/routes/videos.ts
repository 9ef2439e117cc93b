/** Create, list, retrieve, delete and remix video jobs. */
import { badRequest } from '../errors.js';
import type {
  CreateVideoBody,
  DeletedVideo,
  ImageReference,
  ListOrder,
  RemixVideoBody,
  VideoList,
} from '../generated/openapi.js';
import { checkModelName } from '../model-name.js';
import { jobDefaults, parameterDefault, schemaDefault } from '../operations.js';
import type { EmulatorState } from '../state.js';
import { checkInputReference } from '../uploads.js';
import { toVideo } from '../video-view.js';
import {
  completedJob,
  findJob,
  idempotently,
  type OperationHandlers,
  validBody,
  validParameters,
  videoResponse,
} from './http.js';

/**
 * A create body as handlers see it: JSON, or a form whose `input_reference[...]` fields were decoded to
 * the JSON object, and whose file part `input_reference` is a placeholder (its bytes are in `files`).
 */
type CreateBody = Omit<CreateVideoBody, 'input_reference'> & { input_reference?: ImageReference | string };

export function videoHandlers(
  state: EmulatorState,
): Pick<OperationHandlers, 'createVideo' | 'listVideos' | 'retrieveVideo' | 'deleteVideo' | 'remixVideo'> {
  const defaults = {
    ...jobDefaults(),
    limit: parameterDefault<number>('listVideos', 'limit'),
    order: schemaDefault<ListOrder>('ListOrder'),
  };

  return {
    async createVideo(c) {
      validParameters(c, state, 'createVideo');
      const body = await validBody<CreateBody>(c, state, 'createVideo');
      const { prompt, model = defaults.model, seconds = defaults.seconds, size = defaults.size } = body.value;
      checkModelName(model);
      await checkInputReference(body.value.input_reference, body.files.get('input_reference'), size);
      return idempotently(
        c,
        state,
        body,
        () => state.jobs.create({ prompt, model, seconds, size }).id,
        (id) => videoResponse(c, state, findJob(state, id)),
      );
    },

    async listVideos(c) {
      const { query } = validParameters(c, state, 'listVideos');
      const page = state.jobs.list({
        after: query.after,
        limit: query.limit ?? defaults.limit,
        order: query.order ?? defaults.order,
      });
      if (!page) throw badRequest(`No video with id '${query.after}' to list after.`, 'after');
      const style = c.get('statusStyle');
      const data = page.data.map((job) =>
        toVideo(job, state.jobs.state(job), state.options.contentTtlSeconds, style),
      );
      const list: VideoList = {
        object: 'list',
        data,
        first_id: data[0]?.id ?? null,
        last_id: data[data.length - 1]?.id ?? null,
        has_more: page.hasMore,
      };
      return c.json(list, 200, { 'cache-control': 'no-store' });
    },

    async retrieveVideo(c) {
      const { path } = validParameters(c, state, 'retrieveVideo');
      return videoResponse(c, state, findJob(state, path.video_id));
    },

    async deleteVideo(c) {
      const { path } = validParameters(c, state, 'deleteVideo');
      const job = findJob(state, path.video_id);
      state.jobs.delete(job.id); // and its media
      const deleted: DeletedVideo = { id: job.id, object: 'video.deleted', deleted: true };
      return c.json(deleted);
    },

    async remixVideo(c) {
      const { path } = validParameters(c, state, 'remixVideo');
      const body = await validBody<RemixVideoBody>(c, state, 'remixVideo');
      return idempotently(
        c,
        state,
        body,
        () => {
          const source = completedJob(state, path.video_id, 'video_id', 'remixed');
          return state.jobs.create({
            prompt: body.value.prompt,
            model: source.model,
            seconds: source.seconds,
            size: source.size,
            remixedFromVideoId: source.id,
          }).id;
        },
        (id) => videoResponse(c, state, findJob(state, id)),
      );
    },
  };
}
