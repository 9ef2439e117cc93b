import { type ContentLinkAnswer, type DownloadContentOptions, fetchContent } from './content.js';
import { ValidationError } from './errors.js';
import type {
  Character,
  CreateVideoBody,
  DeletedVideo,
  ImageReference,
  KnownVideoModel,
  ListOrder,
  Video,
  VideoReference,
  VideoSeconds,
} from './generated/openapi.js';
import { isBlob } from './multipart.js';
import { api } from './operation.js';
import type { Context, CreateOptions, RequestOptions } from './options.js';
import { paginate, type VideoPager } from './pagination.js';
import { type JobState, type PollOptions, pollJob } from './poll.js';
import { normalizeVideo } from './status.js';
import { checkId, checkListQuery, checkText, oneOf, SECONDS, validateCreateParams } from './validation.js';

/**
 * The model names the spec lists (its `KnownVideoModel`). `model` accepts any string (gateways add their
 * own), and editors still complete these.
 */
export type KnownModel = KnownVideoModel;

/** Parameters of `create`: the spec's `CreateVideoBody`, with a file accepted as `input_reference`. */
export interface VideoCreateParams extends Omit<CreateVideoBody, 'model' | 'input_reference'> {
  /** The model. Default (server side): `sora-2`; the 1792 sizes need `sora-2-pro`. */
  model?: KnownModel | (string & {}) | undefined;
  /**
   * The first frame: an image file (`Blob`/`File`, sent as multipart) or, in JSON, `{image_url}` /
   * `{file_id}`. Its dimensions must equal `size`.
   */
  input_reference?: ImageReference | Blob | undefined;
}

/** Parameters of `remix`. */
export interface VideoRemixParams {
  /** How to change the source video. */
  prompt: string;
}

/** Parameters of `edit`: a completed job by `{id}`, or an MP4 file. */
export interface VideoEditParams {
  prompt: string;
  video: VideoReference | Blob;
}

/**
 * Parameters of `extend`: a completed job by `{id}`, or an MP4 file, continued for `seconds` more. The new
 * job's `seconds` is the stitched total (a 4 s video extended by `'12'` reports `'16'`).
 */
export interface VideoExtendParams extends VideoEditParams {
  /** The length of the new segment (required): `'4'`, `'8'` or `'12'`. */
  seconds: VideoSeconds;
}

/** Parameters of `createCharacter`. */
export interface CharacterCreateParams {
  /** 1-80 characters, how prompts refer to the character. */
  name: string;
  /** A short MP4 showing it. */
  video: Blob;
}

/** Query of `list`. */
export interface VideoListParams {
  /** Start after this video id (a cursor). */
  after?: string | undefined;
  /** Videos per page, 0-100 (0: an empty page whose `has_more` says whether any video exists). Default (server side): 20. */
  limit?: number | undefined;
  /** By `created_at`. Default (server side): `desc`. */
  order?: ListOrder | undefined;
}

/** `client.videos`: every operation of the /v1/videos API, plus polling. */
export interface Videos {
  /** Starts a job (JSON, or multipart when `input_reference` is a file). Resolves with it, `queued`. */
  create(params: VideoCreateParams, options?: CreateOptions): Promise<Video>;
  /** The job's current state (never from an HTTP cache). */
  retrieve(id: string, options?: RequestOptions): Promise<Video>;
  /** Every job, page by page: `await` for the first page, `for await` for every video. */
  list(params?: VideoListParams, options?: RequestOptions): VideoPager;
  /** Deletes a job and its content. */
  delete(id: string, options?: RequestOptions): Promise<DeletedVideo>;
  /** Starts a job that changes a completed video by a new prompt. */
  remix(id: string, params: VideoRemixParams, options?: CreateOptions): Promise<Video>;
  /** Starts a job that edits a video. */
  edit(params: VideoEditParams, options?: CreateOptions): Promise<Video>;
  /** Starts a job that continues a video. */
  extend(params: VideoExtendParams, options?: CreateOptions): Promise<Video>;
  /** Makes a reusable character from a short video. */
  createCharacter(params: CharacterCreateParams, options?: CreateOptions): Promise<Character>;
  /** A character by id. */
  getCharacter(id: string, options?: RequestOptions): Promise<Character>;
  /** The media as a `Response` (its body streams the bytes), from the server or its download link. */
  downloadContent(id: string, options?: DownloadContentOptions): Promise<Response>;
  /**
   * Asks for the media once without following a gateway's link: `{ link }` (its `url`, checked as a
   * download's is) when the server answers with a temporary link, else `{ response }` with the media, as
   * `downloadContent` would answer. For handing the link on unread (a `<video src>`, the AI SDK).
   */
  contentLink(id: string, options?: DownloadContentOptions): Promise<ContentLinkAnswer>;
  /** Waits for a job to complete, learning from its progress how often to ask. */
  poll(id: string, options?: PollOptions): Promise<Video>;
  /** `create`, then `poll` the new job. */
  createAndPoll(params: VideoCreateParams, options?: PollOptions & CreateOptions): Promise<Video>;
}

/** Builds `client.videos` over the shared context. */
export function createVideos(ctx: Context): Videos {
  // Every POST starts a paid job: one Idempotency-Key per call, the same on each retry. (randomUUID is
  // missing outside secure contexts, a page on plain http: 128 random bits all the same.)
  const paid = (options: CreateOptions = {}): RequestOptions => ({
    ...options,
    headers: {
      ...options.headers,
      'Idempotency-Key':
        options.idempotencyKey ??
        `sora-kit-${crypto.randomUUID?.() ?? crypto.getRandomValues(new Uint32Array(4)).join('-')}`,
    },
  });
  const post = <
    P extends '/v1/videos' | '/v1/videos/edits' | '/v1/videos/extensions' | '/v1/videos/characters',
  >(
    path: P,
    body: object,
    options?: CreateOptions,
  ) => api(ctx, 'POST', path, { body }, paid(options));

  const job = async (answer: Promise<{ data: Video }>) => normalizeVideo((await answer).data);

  // A job as answered (the answer's headers may suggest when to ask again): what polling reads.
  const fetchState = async (id: string, options?: RequestOptions): Promise<JobState> =>
    api(ctx, 'GET', '/v1/videos/{video_id}', { id, fresh: true }, options);

  const start = async (params: VideoCreateParams, options?: CreateOptions): Promise<JobState> => {
    validateCreateParams(params);
    return post('/v1/videos', params, options);
  };

  const source = (video: unknown) => {
    if (!isBlob(video)) checkId((video as VideoReference | undefined)?.id, 'video.id');
  };

  // The one place every error of `client.videos` passes through on its way out: `fail` throws it through
  // the redactor, which removes the key from it (message, fields, stack, `cause` chain), whatever the
  // server put there. `guard` does it for a method's promise; `list` scrubs each page load's errors.
  const fail = (error: unknown): never => {
    throw ctx.redact(error);
  };
  const guard =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    (...args: A) =>
      method(...args).catch(fail);

  return {
    create: guard((params, options) => job(start(params, options))),
    retrieve: guard((id, options) => job(fetchState(id, options))),
    list(params = {}, options) {
      checkListQuery(params);
      const page = (after?: string) =>
        api(ctx, 'GET', '/v1/videos', { query: { ...params, after }, fresh: true }, options).then(
          ({ data }) => ({ ...data, data: data.data.map(normalizeVideo) }),
          fail,
        );
      return paginate(page, params.after);
    },
    delete: guard(
      async (id, options) => (await api(ctx, 'DELETE', '/v1/videos/{video_id}', { id }, options)).data,
    ),
    remix: guard(async (id, params, options) => {
      checkText('prompt', params?.prompt);
      const call = { id, body: { prompt: params.prompt } };
      return job(api(ctx, 'POST', '/v1/videos/{video_id}/remix', call, paid(options)));
    }),
    edit: guard(async (params, options) => {
      checkText('prompt', params?.prompt);
      source(params.video);
      return job(post('/v1/videos/edits', params, options));
    }),
    extend: guard(async (params, options) => {
      checkText('prompt', params?.prompt);
      // The length of the new segment: required.
      oneOf('seconds', params.seconds, SECONDS, true);
      source(params.video);
      return job(post('/v1/videos/extensions', params, options));
    }),
    createCharacter: guard(async (params, options) => {
      checkText('name', params?.name, 80);
      if (!isBlob(params.video))
        throw new ValidationError('video', params?.video, 'an MP4 file (a Blob or File)');
      return (await post('/v1/videos/characters', params, options)).data;
    }),
    getCharacter: guard(
      async (id, options) =>
        (await api(ctx, 'GET', '/v1/videos/characters/{character_id}', { id }, options)).data,
    ),
    downloadContent: guard(async (id, options) => (await fetchContent(ctx, id, options, true)).response!),
    contentLink: guard((id, options) => fetchContent(ctx, id, options)),
    poll: guard((id, options) => pollJob(fetchState, id, options)),
    createAndPoll: guard(async (params, options) => {
      const first = await start(params, options);
      return pollJob(fetchState, first.data.id, options, first);
    }),
  };
}
