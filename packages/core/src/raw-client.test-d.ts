import { describe, expectTypeOf, test } from 'vitest';
import {
  createRawClient,
  type KnownVideoStatus,
  type Video,
  type VideoCreateParams,
  type VideoDuration,
  type VideoSeconds,
  type VideoSize,
} from './index.js';

const raw = createRawClient({ baseUrl: 'http://127.0.0.1:4010' });

describe('generated types', () => {
  test('seconds is the string enum, not a number', () => {
    expectTypeOf<VideoSeconds>().toEqualTypeOf<'4' | '8' | '12'>();
    expectTypeOf<VideoSize>().toEqualTypeOf<'720x1280' | '1280x720' | '1024x1792' | '1792x1024'>();
  });

  test('Video has the fields of the protocol', () => {
    // Open strings: gateways send their own status names, and an extension's seconds is a stitched total.
    expectTypeOf<Video['status']>().toEqualTypeOf<string>();
    expectTypeOf<KnownVideoStatus>().toEqualTypeOf<'queued' | 'in_progress' | 'completed' | 'failed'>();
    expectTypeOf<Video['seconds']>().toEqualTypeOf<VideoDuration>();
    expectTypeOf<VideoDuration>().toEqualTypeOf<string>();
    expectTypeOf<VideoSeconds>().toExtend<VideoDuration>();
    expectTypeOf<Video['progress']>().toEqualTypeOf<number>();
    expectTypeOf<Video['completed_at']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<Video['error']>().toEqualTypeOf<{ code: string; message: string } | null | undefined>();
  });

  test('create params require a prompt', () => {
    expectTypeOf<VideoCreateParams>().toHaveProperty('prompt').toEqualTypeOf<string>();
    // @ts-expect-error prompt is required
    const missingPrompt: VideoCreateParams = { seconds: '8' };
    // @ts-expect-error seconds is a string enum; a number does not compile
    const numericSeconds: VideoCreateParams = { prompt: 'a tiger', seconds: 8 };
    // @ts-expect-error "5" is not an allowed duration
    const wrongSeconds: VideoCreateParams = { prompt: 'a tiger', seconds: '5' };
    // @ts-expect-error not one of the four sizes
    const wrongSize: VideoCreateParams = { prompt: 'a tiger', size: '1920x1080' };
    void [missingPrompt, numericSeconds, wrongSeconds, wrongSize];
  });
});

describe('raw client', () => {
  test('paths, bodies and responses are typed', () => {
    // Typechecked but never called: these lines only have to compile (or not).
    const calls = () => {
      void raw.POST('/v1/videos', {
        body: { prompt: 'a tiger in a farmyard', seconds: '8', size: '1280x720' },
      });
      // @ts-expect-error unknown path
      void raw.GET('/v1/video');
      // @ts-expect-error POST /v1/videos without a prompt
      void raw.POST('/v1/videos', { body: { seconds: '4' } });
      // @ts-expect-error seconds as a number
      void raw.POST('/v1/videos', { body: { prompt: 'a tiger', seconds: 4 } });
      // @ts-expect-error retrieve needs the video_id path parameter
      void raw.GET('/v1/videos/{video_id}', {});
      // @ts-expect-error DELETE is not defined on the list path
      void raw.DELETE('/v1/videos');
      // @ts-expect-error order is asc or desc
      void raw.GET('/v1/videos', { params: { query: { order: 'newest' } } });
    };
    void calls;
    const retrieve = () => raw.GET('/v1/videos/{video_id}', { params: { path: { video_id: 'video_1' } } });
    expectTypeOf<Awaited<ReturnType<typeof retrieve>>['data']>().toEqualTypeOf<Video | undefined>();
  });
});
