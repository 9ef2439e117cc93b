// biome-ignore-all lint/correctness/noComponentHookFactories: each test's components close over that test's job and counters
import type { Video } from '@sora-kit/core';
import {
  QueryClient,
  QueryClientProvider,
  useInfiniteQuery,
  useMutation,
  useQuery,
} from '@tanstack/react-query';
import { act, render, screen, waitFor } from '@testing-library/react';
import { type ReactNode, StrictMode } from 'react';
import { describe, expect, test } from 'vitest';
import {
  createVideoMutationOptions,
  videoQueryKey,
  videoQueryOptions,
  videosInfiniteQueryOptions,
} from '../src/query/index.js';
import { emulatorForFile, requestsTo, sleep, statusRequests } from './support.js';

const f = emulatorForFile({ jobSeconds: 1.5 });

function renderWithQuery(ui: ReactNode, queryClient = new QueryClient()) {
  render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>
    </StrictMode>,
  );
  return queryClient;
}

describe('@sora-kit/react/query with a real QueryClient', () => {
  test('videoQueryOptions polls on core schedule and stops by itself at the terminal state', async () => {
    const client = f.client();
    const job = await client.videos.create({ prompt: 'queried' });
    function Job() {
      const { data } = useQuery(videoQueryOptions(client, job.id));
      return <p data-testid="q">{data ? `${data.status} ${data.progress}` : 'loading'}</p>;
    }
    renderWithQuery(<Job />);
    await waitFor(() => expect(screen.getByTestId('q').textContent).toBe('completed 100'), {
      timeout: 15_000,
    });
    const requests = statusRequests(f.emu, job.id);
    await sleep(1_500);
    expect(statusRequests(f.emu, job.id)).toBe(requests);
  });

  test('createVideoMutationOptions: one job per mutate, the same Idempotency-Key on a retry, cache seeded', async () => {
    const client = f.client();
    f.emu.clearRequests();
    f.emu.faults.add({ kind: 'server-error', status: 503, method: 'POST', path: '/v1/videos' });
    let mutate: (params: { prompt: string }) => Promise<Video> = async () => ({}) as Video;
    const queryClient = new QueryClient();
    function Create() {
      const mutation = useMutation({
        ...createVideoMutationOptions(client, { queryClient }),
        retry: 1,
        retryDelay: 10,
      });
      mutate = mutation.mutateAsync;
      return <p data-testid="m">{mutation.data?.id ?? mutation.status}</p>;
    }
    renderWithQuery(<Create />, queryClient);
    let video: Video | undefined;
    await act(async () => {
      video = await mutate({ prompt: 'mutated' });
    });
    const posts = requestsTo(f.emu, 'POST', '/v1/videos');
    expect(posts.map((r) => r.status)).toEqual([503, 200]);
    expect(posts[0]?.idempotencyKey).toBe(posts[1]?.idempotencyKey);
    expect(f.emu.videos().filter((v) => v.prompt === 'mutated')).toHaveLength(1);
    expect(queryClient.getQueryData(videoQueryKey(client, video!.id))).toEqual(video);
  });

  test('videosInfiniteQueryOptions pages by cursor', async () => {
    const client = f.client();
    for (const prompt of ['page a', 'page b', 'page c']) await client.videos.create({ prompt });
    let next = () => {};
    function Pages() {
      const query = useInfiniteQuery(videosInfiniteQueryOptions(client, { limit: 2 }));
      next = () => void query.fetchNextPage();
      return (
        <p data-testid="p">
          {query.data?.pages.map((p) => p.data.length).join('+') ?? 'loading'} {String(query.hasNextPage)}
        </p>
      );
    }
    renderWithQuery(<Pages />);
    await waitFor(() => expect(screen.getByTestId('p').textContent).toBe('2 true'));
    act(() => next());
    await waitFor(() => expect(screen.getByTestId('p').textContent).toMatch(/^2\+\d /));
  });
});

describe('videoQueryOptions.refetchInterval: core schedule', () => {
  type Interval = (query: unknown) => number | false;
  const at = (dataUpdatedAt: number, data: Partial<Video> | undefined, status = 'success') => ({
    state: { data, dataUpdatedAt, status },
  });
  const intervalOf = () => {
    const client = f.client();
    return videoQueryOptions(client, 'video_1').refetchInterval as Interval;
  };

  test('blind waits grow from 1 s while progress is unknown; the same answer read twice waits the same', () => {
    const interval = intervalOf();
    const query = at(0, { status: 'queued' });
    expect(interval(query)).toBe(1_000);
    expect(interval(query)).toBe(1_000); // TanStack asks again on every observer update
    query.state.dataUpdatedAt = 1_000;
    expect(interval(query)).toBe(1_500);
    query.state.dataUpdatedAt = 2_500;
    expect(interval(query)).toBe(2_250);
  });

  test('options rebuilt by each render keep feeding one schedule per query', () => {
    const query = at(0, { status: 'queued' });
    expect(intervalOf()(query)).toBe(1_000);
    query.state.dataUpdatedAt = 1_000;
    expect(intervalOf()(query)).toBe(1_500);
    expect(intervalOf()(at(1_000, { status: 'queued' }))).toBe(1_000); // another query: its own schedule
  });

  test('moving progress: timed for the predicted end; false at a terminal state or after an error', () => {
    const interval = intervalOf();
    const query = at(0, { status: 'in_progress', progress: 0 });
    interval(query);
    query.state = { ...query.state, dataUpdatedAt: 2_000, data: { status: 'in_progress', progress: 20 } };
    interval(query);
    query.state = { ...query.state, dataUpdatedAt: 4_000, data: { status: 'in_progress', progress: 40 } };
    // 20 % in 2 s: about 6 s left, but no further ahead than the 4 s seen since progress began.
    expect(interval(query)).toBe(4_000);
    for (const status of ['completed', 'failed', 'expired', 'COMPLETED', 'FAILED']) {
      expect(interval(at(5_000, { status: status as Video['status'] }))).toBe(false);
    }
    expect(interval(at(5_000, { status: 'in_progress' }, 'error'))).toBe(false);
    expect(interval(at(5_000, undefined, 'pending'))).toBe(false);
  });
});

test('createVideoMutationOptions: two mutate calls with one params object are two jobs', async () => {
  const client = f.client();
  f.emu.clearRequests();
  const params = { prompt: 'same object twice' };
  let mutate: (p: typeof params) => Promise<Video> = async () => ({}) as Video;
  function Create() {
    mutate = useMutation(createVideoMutationOptions(client)).mutateAsync;
    return null;
  }
  renderWithQuery(<Create />);
  let first: Video | undefined;
  let second: Video | undefined;
  await act(async () => {
    first = await mutate(params);
    second = await mutate(params);
  });
  expect(first?.id).not.toBe(second?.id);
  expect(new Set(requestsTo(f.emu, 'POST', '/v1/videos').map((r) => r.idempotencyKey)).size).toBe(2);
});
