import type { SoraClient, VideoList, VideoListParams } from '@sora-kit/core';
import { infiniteQueryOptions } from '@tanstack/react-query';

/**
 * Infinite-query options of the user's jobs: `useInfiniteQuery(videosInfiniteQueryOptions(client, params))`.
 * Pages are plain `VideoList`s (serialisable, so they can be dehydrated); the next page starts after the
 * last page's `last_id`.
 */
export function videosInfiniteQueryOptions(client: SoraClient, params: VideoListParams = {}) {
  const { after, limit, order } = params;
  return infiniteQueryOptions({
    queryKey: ['sora-kit', client.baseUrl, 'videos', { limit, order, after }] as const,
    queryFn: async ({ pageParam, signal }): Promise<VideoList> => {
      const { object, data, first_id, last_id, has_more } = await client.videos.list(
        { limit, order, after: pageParam },
        { signal },
      );
      return { object, data, first_id, last_id, has_more };
    },
    initialPageParam: after as string | undefined,
    getNextPageParam: (page) =>
      page.has_more && page.last_id && page.data.length > 0 ? page.last_id : undefined,
    retry: false,
  });
}
