import type { SoraClient, Video, VideoCreateParams } from '@sora-kit/core';
import type { QueryClient, UseMutationOptions } from '@tanstack/react-query';
import { videoQueryKey } from './video-query.js';

// crypto.randomUUID is missing outside secure contexts (a page on plain http); getRandomValues is not.
const randomId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/** The options `createVideoMutationOptions` returns: `useMutation(createVideoMutationOptions(client))`. */
export type VideoMutationOptions = UseMutationOptions<Video, Error, VideoCreateParams>;

// The Idempotency-Key of each mutate call, by its variables object, which TanStack passes again to each retry.
// Module-wide: the options object is rebuilt on every render, and a retry may run under a newer one.
const keys = new WeakMap<object, string>();

/**
 * Mutation options that start a job. Each `mutate` call gets a new `Idempotency-Key` (in `onMutate`), kept
 * if TanStack retries it (`retry` is off by default: core retries already), so a mutation never starts two
 * paid jobs. With `queryClient`, the new job is put in the cache under `videoQueryOptions(client, id)`'s key.
 * (Replacing `onMutate`: call this one's too, or pass a new params object to each `mutate`.)
 */
export function createVideoMutationOptions(
  client: SoraClient,
  options: { queryClient?: QueryClient | undefined } = {},
): VideoMutationOptions {
  return {
    mutationKey: ['sora-kit', client.baseUrl, 'create-video'],
    onMutate: (params) => {
      keys.set(params, `sora-kit-${randomId()}`);
    },
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
