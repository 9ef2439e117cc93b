import type { SoraClient, Video, VideoCreateParams } from '@sora-kit/core';
import type { QueryClient, UseMutationOptions } from '@tanstack/react-query';
import { videoQueryKey } from './video-query.js';

// crypto.randomUUID is missing outside secure contexts (a page on plain http); getRandomValues is not.
const randomId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/** The options `createVideoMutationOptions` returns: `useMutation(createVideoMutationOptions(client))`. */
export type VideoMutationOptions = UseMutationOptions<Video, Error, VideoCreateParams>;

/**
 * Mutation options that start a job. Each `mutate` call gets one `Idempotency-Key`, kept if TanStack retries
 * it (`retry` is off by default: core retries already), so a mutation never starts two paid jobs. With
 * `queryClient`, the new job is put in the cache under `videoQueryOptions(client, id)`'s key.
 */
export function createVideoMutationOptions(
  client: SoraClient,
  options: { queryClient?: QueryClient | undefined } = {},
): VideoMutationOptions {
  // Keyed by the variables object, which TanStack passes again on its retries of the same mutate call.
  const keys = new WeakMap<object, string>();
  return {
    mutationKey: ['sora-kit', client.baseUrl, 'create-video'],
    mutationFn: (params) => {
      let idempotencyKey = keys.get(params);
      if (!idempotencyKey) {
        idempotencyKey = `sora-kit-${randomId()}`;
        keys.set(params, idempotencyKey);
      }
      return client.videos.create(params, { idempotencyKey });
    },
    retry: false,
    onSuccess: (video) => {
      options.queryClient?.setQueryData(videoQueryKey(client, video.id), video);
    },
  };
}
