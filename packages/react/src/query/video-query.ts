import {
  createPollSchedule,
  normalizeStatus,
  type PollScheduleOptions,
  type SoraClient,
  type Video,
} from '@sora-kit/core';
import { type Query, queryOptions } from '@tanstack/react-query';

/** The query key of job `id` of `client`: `['sora-kit', baseUrl, 'video', id]`. */
export const videoQueryKey = (client: SoraClient, id: string) =>
  ['sora-kit', client.baseUrl, 'video', id] as const;

// Each query's schedule, by the query (one per cache entry). Module-wide: the options are rebuilt on every
// render, and TanStack calls the newest options' refetchInterval.
const timings = new WeakMap<object, Timing>();

interface Timing {
  next: (sample: { at: number; progress?: number | undefined }) => number;
  answeredAt: number;
  wait: number;
}

/**
 * Query options of job `id`: `useQuery(videoQueryOptions(client, id))`. Its `refetchInterval` is core's
 * progress-aware poll schedule (one per query), and `false` once the job completed, failed or expired or a
 * fetch failed: polling stops by itself. TanStack pauses it while the page is hidden. `retry` is off:
 * core's client already retries (honouring `Retry-After`).
 */
export function videoQueryOptions(client: SoraClient, id: string, schedule: PollScheduleOptions = {}) {
  return queryOptions({
    queryKey: videoQueryKey(client, id),
    queryFn: ({ signal }): Promise<Video> => client.videos.retrieve(id, { signal }),
    retry: false,
    refetchInterval: (query: Query<Video, Error, Video, ReturnType<typeof videoQueryKey>>) => {
      const { data, dataUpdatedAt, status } = query.state;
      if (status === 'error' || !data) return false;
      const job = normalizeStatus(data.status);
      if (job === 'completed' || job === 'failed' || job === 'expired') return false;
      let timing = timings.get(query);
      if (!timing) {
        timing = { next: createPollSchedule(schedule), answeredAt: -1, wait: 0 };
        timings.set(query, timing);
      }
      // TanStack asks again on every observer update: feed the schedule each answer once.
      if (timing.answeredAt !== dataUpdatedAt) {
        timing.answeredAt = dataUpdatedAt;
        timing.wait = timing.next({ at: dataUpdatedAt, progress: data.progress });
      }
      return timing.wait;
    },
  });
}
