import { describe, expectTypeOf, test } from 'vitest';
import {
  type APIError,
  type ContentLinkAnswer,
  createSoraClient,
  type DeletedVideo,
  type KnownModel,
  type NormalizedStatus,
  type PollProgress,
  RateLimitError,
  type SoraError,
  ValidationError,
  type Video,
  type VideoCompletedEvent,
  type VideoContentLink,
  type VideoCreateParams,
  type VideoFailedEvent,
  type VideoPage,
  verifyWebhook,
} from './index.js';
import { type DownloadResult, downloadToFile } from './node/index.js';

const client = createSoraClient();

describe('public types', () => {
  test('create: seconds is the string enum, size one of four, model open with known names', () => {
    // Type-checked only, never run.
    const calls = () => {
      void client.videos.create({ prompt: 'a', seconds: '8', size: '1792x1024', model: 'sora-2-pro' });
      void client.videos.create({ prompt: 'a', model: 'my-gateway-model' }); // any string
      // @ts-expect-error seconds is a string
      void client.videos.create({ prompt: 'a', seconds: 8 });
      // @ts-expect-error not an allowed duration
      void client.videos.create({ prompt: 'a', seconds: '5' });
      // @ts-expect-error unknown size
      void client.videos.create({ prompt: 'a', size: '1920x1080' });
      // @ts-expect-error prompt is required
      void client.videos.create({ seconds: '4' });
      // @ts-expect-error unknown parameter
      void client.videos.create({ prompt: 'a', duration: 4 });
      void client.videos.create({ prompt: 'a', input_reference: new Blob() });
      void client.videos.create({ prompt: 'a', input_reference: { image_url: 'https://x/y.png' } });
      // @ts-expect-error input_reference is a file or {image_url}/{file_id}
      void client.videos.create({ prompt: 'a', input_reference: 'cat.png' });
      void client.videos.create(
        { prompt: 'a' },
        { idempotencyKey: 'k', signal: AbortSignal.timeout(1), maxRetries: 0 },
      );
    };
    void calls;
  });

  test('model completes the known names and accepts any string', () => {
    type Model = Exclude<VideoCreateParams['model'], undefined>;
    expectTypeOf<KnownModel>().toEqualTypeOf<
      'sora-2' | 'sora-2-pro' | 'sora-2-2025-10-06' | 'sora-2-pro-2025-10-06' | 'sora-2-2025-12-08'
    >();
    expectTypeOf<KnownModel>().toExtend<Model>();
    expectTypeOf<string>().toExtend<Model>();
    // The known names survive in the union (they are what an editor offers), not collapsed into `string`.
    expectTypeOf<Extract<Model, 'sora-2-pro'>>().toEqualTypeOf<'sora-2-pro'>();
  });

  test('results: Video, pages of Video, Response, DeletedVideo', () => {
    expectTypeOf(client.videos.createAndPoll).returns.resolves.toEqualTypeOf<Video>();
    expectTypeOf(client.videos.poll).returns.resolves.toEqualTypeOf<Video>();
    expectTypeOf(client.videos.retrieve).returns.resolves.toEqualTypeOf<Video>();
    expectTypeOf(client.videos.create).returns.resolves.toEqualTypeOf<Video>();
    expectTypeOf(client.videos.downloadContent).returns.resolves.toEqualTypeOf<Response>();
    expectTypeOf(client.videos.delete).returns.resolves.toEqualTypeOf<DeletedVideo>();
    expectTypeOf(client.videos.contentLink).returns.resolves.toEqualTypeOf<ContentLinkAnswer>();
    const handOn = async () => {
      const answer = await client.videos.contentLink('video_1');
      // One of the two, told apart by either field.
      if (answer.link) expectTypeOf(answer.link).toEqualTypeOf<VideoContentLink>();
      else expectTypeOf(answer.response).toEqualTypeOf<Response>();
    };
    void handOn;
    const pager = client.videos.list({ limit: 10, order: 'asc' });
    expectTypeOf(pager).toExtend<AsyncIterable<Video>>();
    expectTypeOf(pager).toExtend<PromiseLike<VideoPage>>();
    const iterate = async () => {
      for await (const video of pager) expectTypeOf(video).toEqualTypeOf<Video>();
      for await (const page of pager.pages()) expectTypeOf(page.data).toEqualTypeOf<Video[]>();
      expectTypeOf(await pager).toEqualTypeOf<VideoPage>();
    };
    void iterate;
    // @ts-expect-error order is asc or desc
    void client.videos.list({ order: 'newest' });
    // @ts-expect-error variant is one of three
    void client.videos.downloadContent('video_1', { variant: 'gif' });
  });

  test('poll progress and statuses', () => {
    expectTypeOf<PollProgress['status']>().toEqualTypeOf<NormalizedStatus>();
    expectTypeOf<NormalizedStatus>().toEqualTypeOf<
      'queued' | 'in_progress' | 'completed' | 'failed' | 'expired' | 'unknown'
    >();
    expectTypeOf<PollProgress['rawStatus']>().toEqualTypeOf<string>();
    void client.videos.poll('video_1', {
      onProgress: (e) => expectTypeOf(e.progress).toEqualTypeOf<number | undefined>(),
      timeout: 1,
    });
  });

  test('errors: fields, and isInstance narrows', () => {
    const error: unknown = new Error();
    if (RateLimitError.isInstance(error)) {
      expectTypeOf(error).toEqualTypeOf<RateLimitError>();
      expectTypeOf(error.status).toEqualTypeOf<number | undefined>();
      expectTypeOf(error.headers).toEqualTypeOf<Headers | undefined>();
      expectTypeOf(error.requestId).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(error.code).toEqualTypeOf<string | null | undefined>();
    }
    if (ValidationError.isInstance(error)) expectTypeOf(error.field).toEqualTypeOf<string>();
    expectTypeOf<RateLimitError>().toExtend<APIError>();
    expectTypeOf<APIError>().toExtend<SoraError>();
  });

  test('webhooks and the node entry', () => {
    expectTypeOf(verifyWebhook).returns.resolves.toEqualTypeOf<VideoCompletedEvent | VideoFailedEvent>();
    expectTypeOf(downloadToFile).returns.resolves.toEqualTypeOf<DownloadResult>();
    // @ts-expect-error the first argument is a client
    void downloadToFile('video_1', 'out.mp4');
  });
});
