import { act, screen, waitFor } from '@testing-library/react';
import { beforeAll, describe, expect, test } from 'vitest';
import { type UseVideosResult, useVideos } from '../src/index.js';
import { emulatorForFile, renderStrict, requestsTo } from './support.js';

const f = emulatorForFile({ jobSeconds: 0.2 });
const prompts = Array.from({ length: 5 }, (_, i) => `listed ${i}`);
beforeAll(async () => {
  const client = f.client();
  for (const prompt of prompts) await client.videos.create({ prompt });
});

let list: UseVideosResult;
function Jobs({ name = 'l' }: { name?: string }) {
  const result = useVideos({ limit: 2, order: 'asc' });
  if (name === 'l') list = result;
  return (
    <p data-testid={name}>{result.isLoading ? 'loading' : result.videos.map((v) => v.prompt).join(',')}</p>
  );
}
const shown = (name = 'l') => screen.getByTestId(name).textContent ?? '';

describe('useVideos', () => {
  test('pages through the jobs; one request per page however many components show the list', async () => {
    f.emu.clearRequests();
    renderStrict(
      <>
        <Jobs />
        <Jobs name="m" />
      </>,
      f.client(),
    );
    expect(shown()).toBe('loading');
    await waitFor(() => expect(shown()).toBe('listed 0,listed 1'));
    expect(shown('m')).toBe(shown());
    expect(list.hasNextPage).toBe(true);
    expect(requestsTo(f.emu, 'GET', '/v1/videos')).toHaveLength(1);
    act(() => {
      list.fetchNextPage();
      list.fetchNextPage(); // ignored while the page is on its way
    });
    await waitFor(() => expect(shown()).toBe('listed 0,listed 1,listed 2,listed 3'));
    act(() => list.fetchNextPage());
    await waitFor(() => expect(shown()).toBe(prompts.join(',')));
    expect(list.hasNextPage).toBe(false);
    act(() => list.fetchNextPage()); // at the end: nothing
    expect(requestsTo(f.emu, 'GET', '/v1/videos').map((r) => r.query)).toEqual([
      { limit: '2', order: 'asc' },
      expect.objectContaining({ after: list.pages[0]?.last_id }),
      expect.objectContaining({ after: list.pages[1]?.last_id }),
    ]);
  });

  test('refresh starts again from the first page', async () => {
    renderStrict(<Jobs />, f.client());
    await waitFor(() => expect(shown()).toBe('listed 0,listed 1'));
    act(() => list.fetchNextPage());
    await waitFor(() => expect(list.pages).toHaveLength(2));
    act(() => list.refresh());
    await waitFor(() => expect(shown()).toBe('listed 0,listed 1'));
    expect(list.pages).toHaveLength(1);
  });
});
